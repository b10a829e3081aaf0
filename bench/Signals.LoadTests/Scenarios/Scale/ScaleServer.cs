using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Model;

namespace Signals.LoadTests.Scenarios.Scale;

/// <summary>
/// One app instance of the <c>scale</c> scenario, in a process of its own (<c>serve-scale</c>): Signals on PostgreSQL with the
/// dispatcher, <c>MapSignals()</c>, and control endpoints. It prints <see cref="ReadyPrefix"/> and its address once the dispatcher's
/// health check is Healthy (its first read done), and stops when its standard input closes.
/// </summary>
/// <remarks>
/// Control endpoints: <c>POST /bench/commit</c> (one change of an item through EF Core, so this instance's <c>NOTIFY</c> wakes the
/// others), <c>GET /bench/cursor</c> (the hub's cursor), <c>GET /bench/round-trips</c> (Npgsql commands this process sent, from
/// Npgsql's <c>db.client.operation.duration</c> instrument), <c>GET /bench/sync-times</c> (each sync request since the last call as
/// <c>total/database</c> in ms: the request's whole handling by the endpoint, and the part of it Npgsql spent in commands, from the same
/// instrument; the scenario posts one sync at a time, so the commands that complete during a sync are that sync's, but for the rare
/// safety poll of the idle dispatcher) and <c>POST /bench/gc</c>.
/// </remarks>
internal static class ScaleServer
{
    public const string Command = "serve-scale";

    public const string ReadyPrefix = "SCALE-SERVER-READY ";

    public const int Items = 100;

    private static long _value;

    public static async Task<int> RunAsync(HarnessOptions options)
    {
        string connectionString = options.Raw.GetValueOrDefault("connection-string")
            ?? throw new ArgumentException("serve-scale needs --connection-string.");
        string cache = options.Raw.GetValueOrDefault("max-cached-keys") ?? new SignalHubOptions().MaxCachedKeys.ToString(CultureInfo.InvariantCulture);

        long roundTrips = 0;
        long databaseTicks = 0;
        using var npgsql = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.operation.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        npgsql.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            Interlocked.Increment(ref roundTrips);
            Interlocked.Add(ref databaseTicks, (long)(seconds * TimeSpan.TicksPerSecond));
        });
        npgsql.Start();

        WebApplicationBuilder builder = BenchApp.CreateBuilder();
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Error);
        builder.Configuration[$"{SignalHubOptions.SectionName}:{nameof(SignalHubOptions.MaxCachedKeys)}"] = cache;
        builder.AddSignalsOnPostgres(connectionString, $"scale-{Environment.ProcessId}");
        builder.Services.AddHealthChecks().AddSignalsDispatcher();
        WebApplication app = builder.Build();

        var syncTimes = new List<(double Total, double Database)>();
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/signals/sync"))
            {
                await next(context);
                return;
            }

            long start = Stopwatch.GetTimestamp();
            long database = Interlocked.Read(ref databaseTicks);
            await next(context);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            double inDatabase = TimeSpan.FromTicks(Interlocked.Read(ref databaseTicks) - database).TotalMilliseconds;
            lock (syncTimes)
            {
                syncTimes.Add((elapsed, inDatabase));
            }
        });
        app.MapSignals().AllowAnonymous();
        app.MapPost("/bench/commit", CommitAsync);
        app.MapGet("/bench/cursor", static (SignalHub hub) => hub.Cursor.ToString(CultureInfo.InvariantCulture));
        app.MapGet("/bench/round-trips", () => Interlocked.Read(ref roundTrips).ToString(CultureInfo.InvariantCulture));
        app.MapGet("/bench/sync-times", () =>
        {
            lock (syncTimes)
            {
                string times = string.Join(' ', syncTimes.Select(static t => string.Create(CultureInfo.InvariantCulture, $"{t.Total:0.###}/{t.Database:0.###}")));
                syncTimes.Clear();
                return times;
            }
        });
        app.MapPost("/bench/gc", BenchApp.CollectGarbage);

        Uri address = await BenchApp.StartAsync(app, CancellationToken.None);
        HealthCheckService health = app.Services.GetRequiredService<HealthCheckService>();
        while ((await health.CheckHealthAsync()).Status != HealthStatus.Healthy)
        {
            await Task.Delay(10);
        }

        Console.WriteLine(ReadyPrefix + address);
        await Console.In.ReadToEndAsync();
        await BenchApp.StopAsync(app);
        return 0;
    }

    /// <summary>One change of an item (round robin over <see cref="Items"/>) through EF Core; answers the new value.</summary>
    private static async Task<string> CommitAsync(IDbContextFactory<BenchDbContext> contexts, CancellationToken cancellationToken)
    {
        long value = Interlocked.Increment(ref _value);
        await using BenchDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        db.StageUpdate((value % Items) + 1, value);
        await db.SaveChangesAsync(cancellationToken);
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
