using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Signals.EntityFrameworkCore;
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
/// Commit <c>i</c> updates row <c>i mod 400 + 1</c>, so each key changes every 400 ms. After the run the outbox tells each commit's
/// version (the n-th commit of a key made the key's n-th outbox row), and a commit counts as delivered by the first event of its key
/// with that version or a later one — the guarantee subscribers get (coalescing may skip a version, never the latest). The latency
/// runs from the <c>SaveChanges</c> call to that event parsed by the client, so it includes the commit.
/// </remarks>
internal sealed class CommitToEventScenario : Scenario
{
    private const int Rate = 1_000;

    /// <summary>The rate of the second run, where the harness process (both instances, writers and clients on two cores) is nearly idle.</summary>
    private const int QuietRate = 100;
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

        Run signals = await MeasureSignalsAsync(connectionString, count, Rate, outbox: null, cancellationToken);
        Console.WriteLine($"   Signals: {signals.Delivery.Latencies.Summarize()}, events {signals.Events}, no event {signals.Delivery.Undelivered}, only a later version {signals.Delivery.Superseded}");

        // The same path at a tenth of the rate: what delivery costs when the process is not busy with the load itself.
        Run quiet = await MeasureSignalsAsync(connectionString, QuietRate * seconds, QuietRate, outbox: null, cancellationToken);
        Console.WriteLine($"   Signals at {QuietRate}/s: {quiet.Delivery.Latencies.Summarize()}, no event {quiet.Delivery.Undelivered}");
        Run? redis = null;
        if (context.Options.Redis)
        {
            // The same run with the polling dispatcher woken by Redis (its poll is the 1 s safety net), on a database of its own.
            await using RedisServer server = await RedisServer.StartAsync(cancellationToken);
            string redisDatabase = await postgres.CreateDatabaseAsync("commit_to_event_redis", cancellationToken);
            await BenchDbContext.CreateSchemaAsync(redisDatabase, WarmUpKeyOffset + Keys, cancellationToken);
            redis = await MeasureSignalsAsync(
                redisDatabase,
                count,
                Rate,
                outbox => outbox.UsePostgreSql(o => o.UsePollingDispatcher = true).AddRedis(server.Configuration),
                cancellationToken);
            Console.WriteLine($"   Signals, polling + Redis: {redis.Delivery.Latencies.Summarize()}, events {redis.Events}, no event {redis.Delivery.Undelivered}, only a later version {redis.Delivery.Superseded}");
        }

        await WriteChartAsync(context, raw, signals.Delivery.Latencies, cancellationToken);
        return Report(postgres, seconds, count, raw, rawLost, signals, quiet, redis);
    }

    /// <summary>Runs <paramref name="count"/> commits at <paramref name="rate"/> per second on instance A and matches them with the events instance B streams.</summary>
    private static async Task<Run> MeasureSignalsAsync(
        string connectionString, int count, int rate, Action<ISignalsOutboxBuilder>? outbox, CancellationToken cancellationToken)
    {
        WebApplication a = BuildInstance(connectionString, "app-a", outbox);
        WebApplication b = BuildInstance(connectionString, "app-b", outbox);
        try
        {
            await BenchApp.StartAsync(a, cancellationToken);
            Uri bAddress = await BenchApp.StartAsync(b, cancellationToken);
            using var lagOnB = new DispatcherLagRecorder(b.Services);
            IDbContextFactory<BenchDbContext> contexts = a.Services.GetRequiredService<IDbContextFactory<BenchDbContext>>();

            // Warm up instance A's write path and both dispatchers on keys nobody subscribes to.
            await CommitAsync(contexts, Rate / 2, Rate, static i => WarmUpKeyOffset + (i % Keys) + 1, new long[Rate / 2], new long[Rate / 2], cancellationToken);
            long warmUpEnd = (await ReadOutboxAsync(connectionString, 0, cancellationToken)).Values.SelectMany(static ids => ids).DefaultIfEmpty().Max();

            using var http = new HttpClient { BaseAddress = bAddress, Timeout = Timeout.InfiniteTimeSpan };
            using var streaming = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var receipts = new ConcurrentQueue<Receipt>();
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
                lagOnB.Enable();
                MachineCpu before = MachineCpu.Read();
                double achieved = await CommitAsync(contexts, count, rate, static i => (i % Keys) + 1, started, saved, cancellationToken);
                double busy = MachineCpu.Read().BusyPercentSince(before);
                var saves = new Latencies();
                for (int i = 0; i < count; i++)
                {
                    saves.AddTicks(started[i], saved[i]);
                }

                Console.WriteLine($"   {count} commits at {achieved:0}/s; SaveChanges {saves.Summarize()}");

                // Wait (bounded) until each key's last commit has an event with its version or a later one, then stop reading. (Not a
                // count of events: a stream opened on keys that already have versions starts with one event per key.)
                Dictionary<int, List<long>> versions = await ReadOutboxAsync(connectionString, warmUpEnd, cancellationToken);
                using (var settle = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                {
                    while (!LastVersionsArrived(versions, receipts) && !settle.IsCancellationRequested)
                    {
                        await Task.Delay(20, cancellationToken);
                    }
                }

                return new Run(Match(started, versions, receipts), receipts.Count, achieved, saves, lagOnB.Stop(), busy);
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

    private static WebApplication BuildInstance(string connectionString, string instanceId, Action<ISignalsOutboxBuilder>? outbox)
    {
        WebApplication app = BenchApp.CreateBuilder().AddSignalsOnPostgres(connectionString, instanceId, outbox).Build();
        app.MapSignals();
        return app;
    }

    /// <summary>Commits <paramref name="count"/> single-row updates at <paramref name="rate"/> per second, recording when each save started and returned.</summary>
    private static Task<double> CommitAsync(
        IDbContextFactory<BenchDbContext> contexts, int count, int rate, Func<int, int> key, long[] started, long[] saved, CancellationToken cancellationToken)
        => PacedLoad.RunAsync(
            count,
            rate,
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

    private static async Task ReadAsync(SseClient stream, ConcurrentQueue<Receipt> receipts)
    {
        try
        {
            while (true)
            {
                SseItem<string> item = await stream.NextAsync();
                long at = Stopwatch.GetTimestamp();
                using JsonDocument data = JsonDocument.Parse(item.Data);
                receipts.Enqueue(new Receipt(KeyIndex(data.RootElement.GetProperty("key").GetString()!), data.RootElement.GetProperty("version").GetInt64(), at));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException or InvalidOperationException)
        {
            // The stream was closed at the end of the run.
        }
    }

    private static int KeyIndex(string key) => int.Parse(key.AsSpan(key.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Reads the outbox rows after <paramref name="afterId"/>: the versions each key got, in commit order.</summary>
    private static async Task<Dictionary<int, List<long>>> ReadOutboxAsync(string connectionString, long afterId, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<int, List<long>>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT id, key FROM {SignalsTableNames.Outbox} WHERE id > $1 ORDER BY id", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterId });
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            int key = KeyIndex(reader.GetString(1));
            if (!versions.TryGetValue(key, out List<long>? ids))
            {
                versions[key] = ids = [];
            }

            ids.Add(reader.GetInt64(0));
        }

        return versions;
    }

    /// <summary>Whether every key's latest outbox version has arrived in an event of that version or a later one.</summary>
    private static bool LastVersionsArrived(Dictionary<int, List<long>> versions, IEnumerable<Receipt> receipts)
    {
        Dictionary<int, long> latest = receipts.GroupBy(static r => r.Key).ToDictionary(static g => g.Key, static g => g.Max(static r => r.Version));
        return versions.All(v => latest.TryGetValue(v.Key, out long arrived) && arrived >= v.Value[^1]);
    }

    /// <summary>
    /// Gives the n-th commit of each key (by start time; a key's commits are 400 ms apart) the key's n-th outbox id, and finds the
    /// first event of the key with that version or a later one.
    /// </summary>
    private static Delivery Match(long[] started, Dictionary<int, List<long>> versions, IEnumerable<Receipt> receipts)
    {
        Dictionary<int, Receipt[]> arrivals = receipts
            .GroupBy(static r => r.Key)
            .ToDictionary(static g => g.Key, static g => g.OrderBy(static r => r.At).ToArray());
        var latencies = new Latencies();
        int undelivered = 0;
        int superseded = 0;
        foreach (IGrouping<int, int> commits in Enumerable.Range(0, started.Length).GroupBy(static i => (i % Keys) + 1))
        {
            int[] byStart = [.. commits.OrderBy(i => started[i])];
            List<long> ids = versions.GetValueOrDefault(commits.Key) ?? [];
            if (ids.Count != byStart.Length)
            {
                throw new InvalidOperationException($"Key {commits.Key} has {ids.Count} outbox rows for {byStart.Length} commits.");
            }

            Receipt[] events = arrivals.GetValueOrDefault(commits.Key) ?? [];
            for (int n = 0; n < byStart.Length; n++)
            {
                long version = ids[n];
                int first = Array.FindIndex(events, r => r.Version >= version);
                if (first < 0)
                {
                    undelivered++;
                    continue;
                }

                superseded += events[first].Version == version ? 0 : 1;
                latencies.AddTicks(started[byStart[n]], events[first].At);
            }
        }

        return new Delivery(latencies, undelivered, superseded);
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

    private static Measurement Report(BenchPostgres postgres, int seconds, int count, Latencies raw, int rawLost, Run signals, Run quiet, Run? redis)
    {
        LatencySummary r = raw.Summarize();
        LatencySummary s = signals.Delivery.Latencies.Summarize();
        return new Measurement(
            [
                postgres.Description,
                $"{count:N0} commits in {seconds} s (target {Rate:N0}/s, open loop) by {Writers} writers on instance A, each a single-row update through a pooled DbContext with Signals (UsePostgreSql()); {Keys} keys",
                $"instance B: {Keys / KeysPerStream} SSE streams × {KeysPerStream} keys, read with SseParser; both instances in the harness process",
                "latency: from the SaveChanges call on A to the first parsed event on B with the commit's version (read from the outbox) or a later one; it includes the commit",
                "event after commit: commit → event p50 minus SaveChanges p50 of the same run, what delivery adds once the save has returned",
                "the tail: SaveChanges p99 and B's dispatcher lag p99 beside commit → event p99 say whether the slowest events were slow commits, slow reads on B, or slow delivery after publication",
                "where it goes, from instance B's signals.dispatcher.lag (outbox row written on A → published in B's hub, the rest of A's commit included): commit → published on B ≈ lag p50 − SaveChanges p50 (A's pg_notify, B's listener, B's read); published → parsed ≈ commit → event p50 − lag p50 (B's hub, the SSE write, loopback HTTP, the client's parse); differences of medians, so approximate",
                $"at {QuietRate}/s: the same run ({QuietRate * seconds:N0} commits, the same writers, streams and database) at a tenth of the rate, where the harness process is nearly idle; the difference from the 1,000/s figures is the load's own queueing in that process (two instances, eight writers and four SSE clients on two cores)",
                $"raw NOTIFY: {count:N0} pg_notify calls (autocommit) at the same rate from one connection to a LISTEN connection in a WaitAsync loop",
                .. redis is null
                    ? (string[])[]
                    : ["polling + Redis (--redis): the same run on a fresh database, both instances with the polling dispatcher (1 s safety poll) and AddRedis() pointing to a local redis-server"],
            ],
            [
                new Figure("raw NOTIFY round trip p50", r.P50, "ms"),
                new Figure("raw NOTIFY round trip p99", r.P99, "ms"),
                new Figure("raw NOTIFY round trip max", r.Max, "ms"),
                new Figure("raw NOTIFY lost", rawLost, "notifications"),
                new Figure("commit → event p50", s.P50, "ms"),
                Figure.AtMost("event after commit p50 (commit → event p50 − SaveChanges p50)", signals.AfterCommitP50, "ms", 1),
                Figure.AtMost("commit → event p99", s.P99, "ms", 25),
                new Figure("commit → event max", s.Max, "ms"),
                Figure.AtMost("commits never delivered (no event with their version or a later one)", signals.Delivery.Undelivered, "commits", 0, "0"),
                new Figure("commits delivered only by a later version (their own was skipped)", signals.Delivery.Superseded, "commits"),
                new Figure("achieved commit rate", signals.Achieved, "commits/s"),
                new Figure("machine's processors busy while the commits ran (all processes)", signals.MachineBusy, "%"),
                new Figure("SaveChanges p50 (on A)", signals.SaveP50, "ms"),
                new Figure("outbox row written → published on B p50 (B's dispatcher lag)", signals.LagOnB.Percentile(50), "ms"),
                new Figure("≈ commit → published on B (wake-up and read), p50", signals.CommitToPublishedP50, "ms"),
                new Figure("≈ published on B → event parsed (hub, SSE write, client), p50", signals.PublishedToParsedP50, "ms"),
                new Figure("SaveChanges p99 (on A)", signals.Saves.Percentile(99), "ms"),
                new Figure("outbox row written → published on B p99 (B's dispatcher lag)", signals.LagOnB.Percentile(99), "ms"),
                .. QuietFigures(quiet),
                .. redis is null ? (Figure[])[] : RedisFigures(redis),
            ]);
    }

    private static Figure[] QuietFigures(Run quiet) =>
    [
        new Figure($"at {QuietRate}/s: commit → event p50", quiet.EventP50, "ms"),
        new Figure($"at {QuietRate}/s: event after commit p50", quiet.AfterCommitP50, "ms"),
        new Figure($"at {QuietRate}/s: ≈ commit → published on B (wake-up and read), p50", quiet.CommitToPublishedP50, "ms"),
        new Figure($"at {QuietRate}/s: ≈ published on B → event parsed (hub, SSE write, client), p50", quiet.PublishedToParsedP50, "ms"),
        new Figure($"at {QuietRate}/s: commit → event p99", quiet.Delivery.Latencies.Percentile(99), "ms"),
        new Figure($"at {QuietRate}/s: machine's processors busy while the commits ran", quiet.MachineBusy, "%"),
        Figure.AtMost($"at {QuietRate}/s: commits never delivered", quiet.Delivery.Undelivered, "commits", 0, "0"),
    ];

    private static Figure[] RedisFigures(Run redis)
    {
        LatencySummary s = redis.Delivery.Latencies.Summarize();
        return
        [
            new Figure("polling + Redis: commit → event p50", s.P50, "ms"),
            new Figure("polling + Redis: commit → event p99", s.P99, "ms"),
            new Figure("polling + Redis: commit → event max", s.Max, "ms"),
            Figure.AtMost("polling + Redis: commits never delivered", redis.Delivery.Undelivered, "commits", 0, "0"),
        ];
    }

    /// <summary>One event as the client parsed it.</summary>
    private readonly record struct Receipt(int Key, long Version, long At);

    /// <summary>One configuration's run.</summary>
    /// <param name="Delivery">How its commits were delivered.</param>
    /// <param name="Events">How many events instance B streamed.</param>
    /// <param name="Achieved">The achieved commit rate, in commits per second.</param>
    /// <param name="Saves">How long each SaveChanges took on instance A.</param>
    /// <param name="LagOnB">Instance B's <c>signals.dispatcher.lag</c>: outbox row written on A → published in B's hub.</param>
    /// <param name="MachineBusy">How busy the machine's processors were while the commits ran, in percent (every process).</param>
    private sealed record Run(Delivery Delivery, int Events, double Achieved, Latencies Saves, Latencies LagOnB, double MachineBusy)
    {
        /// <summary>Gets the median commit → event, in ms.</summary>
        public double EventP50 => Delivery.Latencies.Percentile(50);

        /// <summary>Gets the median SaveChanges on A, in ms.</summary>
        public double SaveP50 => Saves.Percentile(50);

        /// <summary>Gets event after commit: commit → event p50 − SaveChanges p50, in ms.</summary>
        public double AfterCommitP50 => EventP50 - SaveP50;

        /// <summary>Gets ≈ commit → published on B (A's pg_notify, B's wake-up and read): B's lag p50 − SaveChanges p50, in ms.</summary>
        public double CommitToPublishedP50 => LagOnB.Percentile(50) - SaveP50;

        /// <summary>Gets ≈ published on B → event parsed (hub, SSE write, client): commit → event p50 − B's lag p50, in ms.</summary>
        public double PublishedToParsedP50 => EventP50 - LagOnB.Percentile(50);
    }

    /// <summary>How the commits were delivered.</summary>
    /// <param name="Latencies">Commit to first event with its version or a later one, per delivered commit.</param>
    /// <param name="Undelivered">Commits with no such event.</param>
    /// <param name="Superseded">Delivered commits whose own version never arrived.</param>
    private sealed record Delivery(Latencies Latencies, int Undelivered, int Superseded);
}
