using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// A database without the Signals schema: the dispatcher says so once (Unhealthy, with the fixes; the endpoints' source status
/// unavailable), keeps retrying quietly, and recovers by itself once the schema exists — on PostgreSQL and on SQLite.
/// </summary>
public sealed class MissingSchemaTests(PostgresServer server)
{
    private static readonly Action<SignalsOutboxOptions> QuickRetries = o =>
    {
        o.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        o.PollInterval = TimeSpan.FromMilliseconds(50);
    };

    [Fact]
    public async Task On_PostgreSQL_the_dispatcher_reports_the_missing_schema_once_and_recovers_when_it_is_created()
    {
        string db = await server.CreateDatabaseAsync("noschema", TestContext.Current.CancellationToken);
        var logs = new LogRecorder();
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, QuickRetries, logs: logs);

        await AssertMissingThenRecoveredAsync(
            app,
            logs,
            "SignalsSchema.PostgreSqlScript",
            async () =>
            {
                await using ChatDbContext context = TestDatabase.CreateContext(db);
                await context.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
            });
    }

    [Fact]
    public async Task On_SQLite_the_dispatcher_reports_the_missing_schema_once_and_recovers_when_it_is_created()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("noschema", schema: false);
        var logs = new LogRecorder();
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, QuickRetries, logs);

        await AssertMissingThenRecoveredAsync(app, logs, "EnsureCreated()", db.CreateSchemaAsync);
    }

    private static async Task AssertMissingThenRecoveredAsync(SignalsTestApp app, LogRecorder logs, string namedFix, Func<Task> createSchema)
    {
        SignalSourceStatus sources = app.Services.GetRequiredService<SignalSourceStatus>();
        // Generous: the first read may be the process's first use of the provider (model, native library) on a busy machine.
        HealthReport missing = await app.WaitForHealthAsync(HealthStatus.Unhealthy, TimeSpan.FromSeconds(30));
        string description = missing.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Description!;
        Assert.Contains("lacks the Signals schema", description, StringComparison.Ordinal);
        Assert.Contains("EnsureCreated()", description, StringComparison.Ordinal);
        Assert.Contains("migration", description, StringComparison.Ordinal);
        Assert.Contains(namedFix, description, StringComparison.Ordinal);
        Assert.True(sources.IsUnavailable(out TimeSpan retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(200), retryAfter);

        // Several retries later the error was still logged once; the retries are Debug.
        await WaitUntilAsync(() => logs.Count("SchemaStillMissing") >= 3);
        Assert.Equal(1, logs.Count("SchemaMissing"));
        Assert.Equal(0, logs.Count("ReadFailed"));

        await createSchema();
        await app.WaitForHealthAsync(HealthStatus.Healthy);
        Assert.False(sources.IsUnavailable(out _));
        Assert.Equal(1, logs.Count("SchemaFound"));
        Assert.Equal(1, logs.Count("SchemaMissing"));

        // And it delivers.
        await app.SaveMessageAsync("after-schema", "works");
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("after-schema"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HubAssert.DefaultTimeout);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
