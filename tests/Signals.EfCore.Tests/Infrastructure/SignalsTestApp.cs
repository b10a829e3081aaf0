using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// One application instance: a generic host with <c>AddDbContext</c>, the hub and the outbox dispatcher. On PostgreSQL and SQLite the
/// context is registered the way the README shows (<c>UseNpgsql</c>/<c>UseSqlite</c> only; <c>AddEntityFrameworkCoreOutbox()</c> with
/// <c>.UsePostgreSql()</c>/<c>.UseSqlite()</c> turns Signals on); in memory it also calls <c>UseSignals()</c>, so both ways of composing
/// the options are exercised.
/// </summary>
internal sealed class SignalsTestApp : IAsyncDisposable
{
    private readonly IHost _host;
    private int _stopped;

    private SignalsTestApp(IHost host) => _host = host;

    /// <summary>Options with a 5-minute safety poll: only a wake-up (local commit or NOTIFY), never the poll, can explain a delivery within a test's bound.</summary>
    public static Action<SignalsOutboxOptions> NoSafetyPoll { get; } = o => o.PollInterval = TimeSpan.FromMinutes(5);

    /// <summary>Makes the PostgreSQL dispatcher poll instead of listening (<see cref="SignalsPostgreSqlOptions.UsePollingDispatcher"/>).</summary>
    public static Action<ISignalsOutboxBuilder> PostgresPolling { get; } = outbox => outbox.UsePostgreSql(p => p.UsePollingDispatcher = true);

    public SignalHub Hub => _host.Services.GetRequiredService<SignalHub>();

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts an instance on PostgreSQL (<c>UsePostgreSql()</c>); <paramref name="outbox"/> adds to the outbox's registration.</summary>
    public static Task<SignalsTestApp> StartPostgresAsync(
        string connectionString, Action<SignalsOutboxOptions>? configure = null, Action<ISignalsOutboxBuilder>? outbox = null, ILoggerProvider? logs = null)
        => StartPostgresAsync(connectionString, [], configure, outbox, logs);

    /// <summary>Starts an instance on PostgreSQL whose contexts also get <paramref name="interceptors"/>.</summary>
    public static Task<SignalsTestApp> StartPostgresAsync(
        string connectionString,
        IInterceptor[] interceptors,
        Action<SignalsOutboxOptions>? configure = null,
        Action<ISignalsOutboxBuilder>? outbox = null,
        ILoggerProvider? logs = null)
        => StartAsync(
            o => o.UseNpgsql(connectionString).AddInterceptors(interceptors),
            configure,
            builder =>
            {
                builder.UsePostgreSql();
                outbox?.Invoke(builder);
            },
            logs);

    /// <summary>Starts an instance on a SQLite file (<c>UseSqlite()</c>); <paramref name="outbox"/> adds to the outbox's registration.</summary>
    public static Task<SignalsTestApp> StartSqliteAsync(
        string connectionString, Action<SignalsOutboxOptions>? configure = null, ILoggerProvider? logs = null)
        => StartSqliteAsync(connectionString, [], configure, logs);

    /// <summary>Starts an instance on a SQLite file whose contexts also get <paramref name="interceptors"/>.</summary>
    public static Task<SignalsTestApp> StartSqliteAsync(
        string connectionString, IInterceptor[] interceptors, Action<SignalsOutboxOptions>? configure = null, ILoggerProvider? logs = null)
        => StartAsync(o => o.UseSqlite(connectionString).AddInterceptors(interceptors), configure, builder => builder.UseSqlite(), logs);

    /// <summary>Starts an instance on EF Core's in-memory database (the neutral provider).</summary>
    public static Task<SignalsTestApp> StartInMemoryAsync(
        string databaseName,
        Microsoft.EntityFrameworkCore.Storage.InMemoryDatabaseRoot root,
        Action<SignalsOutboxOptions>? configure = null,
        Action<ISignalsOutboxBuilder>? outbox = null)
        => StartAsync(o => o.UseInMemoryDatabase(databaseName, root).UseSignals(), configure, outbox);

    /// <summary>Starts an app on PostgreSQL after <paramref name="services"/> added to its services (e.g. a catalog, <c>MapNamespace</c>).</summary>
    public static Task<SignalsTestApp> StartPostgresAsync(string connectionString, Action<IServiceCollection> services)
        => StartAsync(o => o.UseNpgsql(connectionString), configure: null, outbox => outbox.UsePostgreSql(), services: services);

    /// <summary>Starts an app on a SQLite file after <paramref name="services"/> added to its services (e.g. a catalog, <c>MapNamespace</c>).</summary>
    public static Task<SignalsTestApp> StartSqliteAsync(string connectionString, Action<IServiceCollection> services)
        => StartAsync(o => o.UseSqlite(connectionString), configure: null, outbox => outbox.UseSqlite(), services: services);

    private static async Task<SignalsTestApp> StartAsync(
        Action<DbContextOptionsBuilder> provider,
        Action<SignalsOutboxOptions>? configure,
        Action<ISignalsOutboxBuilder>? outbox,
        ILoggerProvider? logs = null,
        Action<IServiceCollection>? services = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
            }
        });
        services?.Invoke(builder.Services);
        builder.Services.AddDbContext<ChatDbContext>(provider);
        ISignalsOutboxBuilder signals = builder.Services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>(configure);
        outbox?.Invoke(signals);
        builder.Services.AddHealthChecks().AddSignalsDispatcher();
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new SignalsTestApp(host);
    }

    /// <summary>Runs the app's health checks (the Signals dispatcher check).</summary>
    public Task<HealthReport> CheckHealthAsync()
        => _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

    /// <summary>Checks health until it reports <paramref name="expected"/>, within <paramref name="within"/> (<see cref="HubAssert.DefaultTimeout"/>).</summary>
    public async Task<HealthReport> WaitForHealthAsync(HealthStatus expected, TimeSpan? within = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within ?? HubAssert.DefaultTimeout);
        HealthReport report;
        while ((report = await CheckHealthAsync()).Status != expected)
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"Health stayed {report.Status} instead of {expected}: {string.Join("; ", report.Entries.Select(e => e.Value.Description))}");
            }
        }

        return report;
    }

    /// <summary>Runs work on a scoped context, as a request of this instance would.</summary>
    public async Task<T> WithContextAsync<T>(Func<ChatDbContext, Task<T>> work)
    {
        await using AsyncServiceScope scope = _host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ChatDbContext>());
    }

    /// <summary>Runs work on a scoped tenant context (an app that registered <see cref="TenantDbContext"/>), as a request would.</summary>
    public async Task WithTenantAsync(Func<TenantDbContext, Task> work)
    {
        await using AsyncServiceScope scope = _host.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TenantDbContext>());
    }

    public Task WithContextAsync(Func<ChatDbContext, Task> work)
        => WithContextAsync(async context =>
        {
            await work(context);
            return true;
        });

    /// <summary>Saves one chat message through a scoped context of this instance, as a request would (the save wakes this instance's dispatcher).</summary>
    public Task SaveMessageAsync(string room, string text)
        => WithContextAsync(context =>
        {
            context.Messages.Add(new ChatMessage { RoomId = room, Text = text });
            return context.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _host.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
