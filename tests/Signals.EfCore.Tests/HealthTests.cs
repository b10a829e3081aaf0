using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>The dispatcher health check and listener recovery: killed and silently dead connections, failing reads.</summary>
public sealed class HealthTests(PostgresServer server)
{
    [Fact]
    public async Task Killed_listener_is_degraded_until_it_reconnects_then_healthy_and_caught_up()
    {
        string db = await TestDatabase.CreateAsync(server, "healthkill");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, o =>
        {
            o.PollInterval = TimeSpan.FromMinutes(5);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        });
        await app.WaitForHealthAsync(HealthStatus.Healthy);
        string database = new NpgsqlConnectionStringBuilder(db).Database!;

        // A writer whose connection is already open, so it still works while new connections are refused.
        await using ChatDbContext writer = TestDatabase.CreateContext(db);
        await writer.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        try
        {
            await TestDatabase.ExecuteAsync(server.ConnectionString, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
            Assert.Equal(1, await writer.Database
                .SqlQueryRaw<int>(
                    "SELECT count(pg_terminate_backend(pid, 5000))::int AS \"Value\" FROM pg_stat_activity " +
                    "WHERE datname = current_database() AND application_name = 'Signals listener'")
                .SingleAsync(TestContext.Current.CancellationToken));

            HealthReport degraded = await app.WaitForHealthAsync(HealthStatus.Degraded);
            Assert.Contains("listener is disconnected", degraded.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Description, StringComparison.Ordinal);
            Assert.Equal(false, degraded.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Data[$"{nameof(ChatDbContext)}.listening"]);

            // Committed while nobody listens, announced to nobody: only the catch-up after the reconnect can deliver it.
            writer.Messages.Add(new ChatMessage { RoomId = "while-down", Text = "silent" });
            await writer.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            await TestDatabase.ExecuteAsync(server.ConnectionString, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }

        await app.WaitForHealthAsync(HealthStatus.Healthy);
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("while-down"));
    }

    [Fact]
    public async Task A_silently_dead_listening_connection_is_noticed_replaced_and_caught_up()
    {
        string db = await TestDatabase.CreateAsync(server, "healthsilent");
        (FreezableTcpProxy proxy, string throughProxy) = FreezableTcpProxy.Start(db, "Command Timeout=1;Cancellation Timeout=-1");
        await using (proxy)
        {
            await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(
                throughProxy,
                o =>
                {
                    o.PollInterval = TimeSpan.FromMinutes(5);
                    o.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                },
                outbox => outbox.UsePostgreSql(p => p.ListenerTimeout = TimeSpan.FromSeconds(1)));
            await app.WaitForHealthAsync(HealthStatus.Healthy);

            // Watched, so the hub holds the key and only the dispatcher's catch-up can move it (nothing is read through the frozen pool).
            using SignalSubscription watch = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("during-partition"));

            // No FIN, no RST, no error: only the probe can tell the connection is gone (within ListenerTimeout).
            proxy.FreezeExisting();
            await using (ChatDbContext writer = TestDatabase.CreateContext(db))
            {
                writer.Messages.Add(new ChatMessage { RoomId = "during-partition", Text = "silent" });
                await writer.SaveChangesAsync(TestContext.Current.CancellationToken);
            }

            await app.WaitForHealthAsync(HealthStatus.Degraded);
            await app.WaitForHealthAsync(HealthStatus.Healthy);
            await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("during-partition"));
        }
    }

    [Fact]
    public async Task Failing_reads_are_degraded_and_healthy_again_once_reads_succeed()
    {
        string db = await TestDatabase.CreateAsync(server, "healthread");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(
            db,
            o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
            },
            SignalsTestApp.PostgresPolling);
        await app.WaitForHealthAsync(HealthStatus.Healthy);

        // The database refuses connections and the dispatcher's are cut: its reads fail. (A missing table is not a passing failure
        // but a missing schema, reported as Unhealthy: MissingSchemaTests.)
        string database = new NpgsqlConnectionStringBuilder(db).Database!;
        await TestDatabase.ExecuteAsync(server.ConnectionString, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
        try
        {
            await TestDatabase.ExecuteAsync(
                server.ConnectionString,
                $"SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '{database}' AND application_name = 'Signals dispatcher'");
            HealthReport degraded = await app.WaitForHealthAsync(HealthStatus.Degraded);
            Assert.Contains("reading the outbox failed", degraded.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Description, StringComparison.Ordinal);
            Assert.NotNull(degraded.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Exception);
        }
        finally
        {
            await TestDatabase.ExecuteAsync(server.ConnectionString, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }

        await app.WaitForHealthAsync(HealthStatus.Healthy);
    }

    [Fact]
    public async Task Without_a_dispatcher_the_check_reports_its_failure_status_and_says_why()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSignals();
        builder.Services.AddHealthChecks().AddSignalsDispatcher(failureStatus: HealthStatus.Unhealthy, tags: ["ready"]);
        using IHost host = builder.Build();

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        HealthReportEntry entry = report.Entries[SignalsHealthChecksBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("AddEntityFrameworkCoreOutbox", entry.Description, StringComparison.Ordinal);
        Assert.Equal(["ready"], entry.Tags);
    }
}
