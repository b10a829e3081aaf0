using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Measuring;
using Signals.LoadTests.Model;
using Signals.LoadTests.Reporting;
using Signals.Testing;

namespace Signals.LoadTests.Scenarios.CommitToEvent;

/// <summary>
/// A <c>SaveChanges</c> on instance A to the SSE event on instance B: two app instances in this process on one PostgreSQL database,
/// commits at 1,000/s, next to a raw <c>NOTIFY</c> round trip measured in the same run at the same rate.
/// </summary>
/// <remarks>
/// Commit <c>i</c> updates row <c>i mod 400 + 1</c>, so each key changes every 400 ms: an event can be matched to its commit by key
/// (the first event of the key after the commit started). The latency runs from the <c>SaveChanges</c> call to the event parsed by
/// the client, so it includes the commit itself.
/// </remarks>
internal sealed class CommitToEventScenario : Scenario
{
    private const int Rate = 1_000;
    private const int Keys = 400;
    private const int KeysPerStream = 100;
    private const int Writers = 8;
    private const int WarmUpKeyOffset = 500;

    public override string Name => "commit-to-event";

    public override string Title => "Commit → event across two instances";

    public override async Task<Measurement> MeasureAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        int seconds = context.Pick(10, 3);
        int count = Rate * seconds;
        BenchPostgres postgres = await context.GetPostgresAsync(cancellationToken);
        string connectionString = await postgres.CreateDatabaseAsync("commit_to_event", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(connectionString, WarmUpKeyOffset + Keys, cancellationToken);

        await RawNotifyProbe.MeasureAsync(connectionString, Rate / 2, Rate, cancellationToken);
        (Latencies raw, int rawLost) = await RawNotifyProbe.MeasureAsync(connectionString, count, Rate, cancellationToken);
        Console.WriteLine($"   raw NOTIFY: {raw.Summarize()}, lost {rawLost}");

        WebApplication a = StartInstance(connectionString, "app-a");
        WebApplication b = StartInstance(connectionString, "app-b");
        try
        {
            await BenchApp.StartAsync(a, cancellationToken);
            Uri bAddress = await BenchApp.StartAsync(b, cancellationToken);
            IDbContextFactory<BenchDbContext> contexts = a.Services.GetRequiredService<IDbContextFactory<BenchDbContext>>();

            // Warm up instance A's write path and both dispatchers on keys nobody subscribes to.
            await CommitAsync(contexts, Rate / 2, static i => WarmUpKeyOffset + (i % Keys) + 1, new long[Rate / 2], new long[Rate / 2], cancellationToken);

            using var http = new HttpClient { BaseAddress = bAddress, Timeout = Timeout.InfiniteTimeSpan };
            using var streaming = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var receipts = new ConcurrentQueue<(int Key, long At)>();
            var streams = new List<SseClient>();
            var reading = new List<Task>();
            try
            {
                for (int first = 1; first <= Keys; first += KeysPerStream)
                {
                    string query = string.Join('&', Enumerable.Range(first, KeysPerStream).Select(static k => "key=bench:item:" + k.ToString(CultureInfo.InvariantCulture)));
                    SseClient stream = await SseClient.OpenAsync(http, "/signals/events?" + query, streaming.Token);
                    streams.Add(stream);
                    reading.Add(ReadAsync(stream, receipts));
                }

                long[] started = new long[count];
                long[] saved = new long[count];
                double achieved = await CommitAsync(contexts, count, static i => (i % Keys) + 1, started, saved, cancellationToken);
                var saves = new Latencies();
                for (int i = 0; i < count; i++)
                {
                    saves.AddTicks(started[i], saved[i]);
                }

                Console.WriteLine($"   {count} commits at {achieved:0}/s; SaveChanges {saves.Summarize()}");

                // Wait (bounded) for the last events, then stop reading.
                using (var settle = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                {
                    while (receipts.Count < count && !settle.IsCancellationRequested)
                    {
                        await Task.Delay(20, cancellationToken);
                    }
                }

                (Latencies latencies, int missing) = Match(started, receipts);
                Console.WriteLine($"   Signals: {latencies.Summarize()}, events {receipts.Count}, missing {missing}");
                await WriteChartAsync(context, raw, latencies, cancellationToken);
                return Report(postgres, seconds, count, raw, rawLost, latencies, missing, achieved, saves);
            }
            finally
            {
                // Stop the readers first: a stream cannot be disposed while a read is pending on it.
                await streaming.CancelAsync();
                await Task.WhenAll(reading);
                foreach (SseClient stream in streams)
                {
                    await stream.DisposeAsync();
                }
            }
        }
        finally
        {
            await BenchApp.StopAsync(b);
            await BenchApp.StopAsync(a);
        }
    }

    private static WebApplication StartInstance(string connectionString, string instanceId)
    {
        WebApplication app = BenchApp.CreateBuilder().AddSignalsOnPostgres(connectionString, instanceId).Build();
        app.MapSignals();
        return app;
    }

    /// <summary>Commits <paramref name="count"/> single-row updates at <see cref="Rate"/>, recording when each save started and returned.</summary>
    private static Task<double> CommitAsync(
        IDbContextFactory<BenchDbContext> contexts, int count, Func<int, int> key, long[] started, long[] saved, CancellationToken cancellationToken)
        => PacedLoad.RunAsync(
            count,
            Rate,
            Writers,
            async i =>
            {
                await using BenchDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
                db.StageUpdate(key(i), i + 1);
                started[i] = Stopwatch.GetTimestamp();
                await db.SaveChangesAsync(cancellationToken);
                saved[i] = Stopwatch.GetTimestamp();
            },
            cancellationToken);

    private static async Task ReadAsync(SseClient stream, ConcurrentQueue<(int Key, long At)> receipts)
    {
        try
        {
            while (true)
            {
                SseItem<string> item = await stream.NextAsync();
                long at = Stopwatch.GetTimestamp();
                using JsonDocument data = JsonDocument.Parse(item.Data);
                string key = data.RootElement.GetProperty("key").GetString()!;
                receipts.Enqueue((int.Parse(key.AsSpan(key.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture), at));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException or InvalidOperationException)
        {
            // The stream was closed at the end of the run.
        }
    }

    /// <summary>
    /// Matches each commit to the first not yet matched event of its key that arrived after the commit started (commits of one key
    /// are 400 ms apart, far more than any latency here); a commit without one is missing.
    /// </summary>
    private static (Latencies Latencies, int Missing) Match(long[] started, IEnumerable<(int Key, long At)> receipts)
    {
        Dictionary<int, Queue<long>> byKey = receipts
            .GroupBy(static r => r.Key)
            .ToDictionary(static g => g.Key, static g => new Queue<long>(g.Select(static r => r.At).Order()));
        var latencies = new Latencies();
        int missing = 0;
        for (int i = 0; i < started.Length; i++)
        {
            Queue<long>? arrivals = byKey.GetValueOrDefault((i % Keys) + 1);
            while (arrivals is { Count: > 0 } && arrivals.Peek() < started[i])
            {
                arrivals.Dequeue();
            }

            if (arrivals is { Count: > 0 })
            {
                latencies.AddTicks(started[i], arrivals.Dequeue());
            }
            else
            {
                missing++;
            }
        }

        return (latencies, missing);
    }

    private static Task WriteChartAsync(ScenarioContext context, Latencies raw, Latencies signals, CancellationToken cancellationToken)
    {
        double[] percentiles = [.. Enumerable.Range(1, 99).Select(static p => (double)p), 99.5, 99.9, 100];
        return context.Results.WriteChartDataAsync(
            "commit-to-event",
            ["percentile", "raw_notify_ms", "signals_ms"],
            percentiles.Select(p => (IReadOnlyList<object>)[p, raw.Percentile(p), signals.Percentile(p)]),
            cancellationToken);
    }

    private static Measurement Report(
        BenchPostgres postgres, int seconds, int count, Latencies raw, int rawLost, Latencies signals, int missing, double achieved, Latencies saves)
    {
        LatencySummary r = raw.Summarize();
        LatencySummary s = signals.Summarize();
        return new Measurement(
            [
                postgres.Description,
                $"{count:N0} commits in {seconds} s (target {Rate:N0}/s, open loop) by {Writers} writers on instance A, each a single-row update through a pooled DbContext with UseSignals(); {Keys} keys",
                $"instance B: {Keys / KeysPerStream} SSE streams × {KeysPerStream} keys, read with SseParser; both instances in the harness process",
                "latency: from the SaveChanges call on A to the parsed event on B (it includes the commit)",
                $"raw NOTIFY: {count:N0} pg_notify calls (autocommit) at the same rate from one connection to a LISTEN connection in a WaitAsync loop",
            ],
            [
                new Figure("raw NOTIFY round trip p50", r.P50, "ms"),
                new Figure("raw NOTIFY round trip p99", r.P99, "ms"),
                new Figure("raw NOTIFY round trip max", r.Max, "ms"),
                new Figure("raw NOTIFY lost", rawLost, "notifications"),
                Figure.AtMost("commit → event p50", s.P50, "ms", r.P50 + 2, $"≤ raw + 2 ms = {r.P50 + 2:0.##} ms"),
                Figure.AtMost("commit → event p99", s.P99, "ms", 25),
                new Figure("commit → event max", s.Max, "ms"),
                Figure.AtMost("events missing (no event for a commit)", missing, "commits", 0, "0"),
                new Figure("achieved commit rate", achieved, "commits/s"),
                new Figure("SaveChanges p50 (on A)", saves.Summarize().P50, "ms"),
            ]);
    }
}
