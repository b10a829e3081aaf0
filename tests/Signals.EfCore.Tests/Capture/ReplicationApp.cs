using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Signals.EntityFrameworkCore.Tests.Model.Capture;

namespace Signals.EntityFrameworkCore.Tests.Capture;

/// <summary>
/// An application instance whose dispatcher reads the replication slot of <see cref="ReplicatedCaptureDbContext"/>: a generic host with
/// the context and the outbox on PostgreSQL, its logs recorded, a 1 s listener timeout (so an instance on standby tries the slot every
/// second), and the waits the replication tests share. Every wait is bounded by <see cref="Within"/>.
/// </summary>
internal sealed class ReplicationApp : IAsyncDisposable
{
    /// <summary>The longest any wait of these tests lasts.</summary>
    public static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    private int _disposed;

    private ReplicationApp(IHost host, LogRecorder logs) => (_host, Logs) = (host, logs);

    /// <summary>Gets what the app logged.</summary>
    public LogRecorder Logs { get; }

    /// <summary>Gets the app's hub, where its dispatcher publishes what the outbox says.</summary>
    public SignalHub Hub => _host.Services.GetRequiredService<SignalHub>();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Starts an instance on a database made by <see cref="ReplicatedCaptureDbContext"/>.</summary>
    /// <param name="db">The database's connection string.</param>
    /// <param name="batchDelay">The consumer's <see cref="SignalsPostgreSqlOptions.ReplicationBatchDelay"/>; the default's if null.</param>
    /// <returns>The running instance.</returns>
    public static async Task<ReplicationApp> StartAsync(string db, TimeSpan? batchDelay = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var logs = new LogRecorder();
        builder.Services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        builder.Services.AddDbContext<ReplicatedCaptureDbContext>(o => o.UseNpgsql(db));
        builder.Services.AddSignals()
            .AddEntityFrameworkCoreOutbox<ReplicatedCaptureDbContext>(o => o.MaxRetryDelay = TimeSpan.FromMilliseconds(500))
            .UsePostgreSql(p =>
            {
                p.ListenerTimeout = TimeSpan.FromSeconds(1);
                p.ReplicationBatchDelay = batchDelay ?? p.ReplicationBatchDelay;
            });
        builder.Services.AddHealthChecks().AddSignalsDispatcher();
        IHost host = builder.Build();
        await host.StartAsync(Cancel);
        return new ReplicationApp(host, logs);
    }

    /// <summary>The keys written after <paramref name="id"/> once there are at least <paramref name="count"/> (and <paramref name="until"/> holds).</summary>
    /// <param name="db">The database.</param>
    /// <param name="id">The outbox id to read after.</param>
    /// <param name="count">The fewest keys to wait for.</param>
    /// <param name="what">What wrote them, for the failure message.</param>
    /// <param name="distinct">Whether to return each key once.</param>
    /// <param name="until">A further condition on the keys.</param>
    /// <param name="logs">An app's logs, shown if the keys do not arrive.</param>
    /// <returns>The keys, sorted.</returns>
    public static async Task<string[]> WaitForKeysAsync(
        string db, long id, int count, string what, bool distinct = true, Func<string[], bool>? until = null, LogRecorder? logs = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            string[] keys = await PostgresCaptureTests.KeysAfterAsync(db, id, distinct);
            if (keys.Length >= count && (until?.Invoke(keys) ?? true))
            {
                // What else arrives with the same commit lands in the same outbox write: read once more after it.
                await Task.Delay(100, Cancel);
                return await PostgresCaptureTests.KeysAfterAsync(db, id, distinct);
            }

            Assert.True(watch.Elapsed < Within, $"The keys of {what} did not arrive within {Within} (so far: {string.Join(", ", keys)}).\n{string.Join('\n', logs?.Lines.Where(l => !l.Contains("HealthCheck", StringComparison.Ordinal)) ?? [])}");
            await Task.Delay(20, Cancel);
        }
    }

    /// <summary>Checks health until it is <paramref name="expected"/>.</summary>
    /// <param name="expected">The status to wait for.</param>
    /// <returns>The report.</returns>
    public async Task<HealthReport> WaitForHealthAsync(HealthStatus expected)
    {
        var watch = Stopwatch.StartNew();
        HealthCheckService health = _host.Services.GetRequiredService<HealthCheckService>();
        HealthReport report;
        while ((report = await health.CheckHealthAsync(Cancel)).Status != expected)
        {
            Assert.True(watch.Elapsed < Within, $"Health stayed {report.Status} ({string.Join("; ", report.Entries.Values.Select(e => e.Description))}).\n{string.Join('\n', Logs.Lines)}");
            await Task.Delay(50, Cancel);
        }

        return report;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
