using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Measuring;
using Signals.LoadTests.Model;
using Signals.LoadTests.Reporting;

namespace Signals.LoadTests.Scenarios.WriteOverhead;

/// <summary>
/// What Signals adds to a save: the same <c>SaveChanges</c> through a plain context and through one with Signals (<c>UsePostgreSql()</c>), in
/// one process against one database, alternating in blocks so both see the same machine; and, between them, the physical floor of any
/// transactional outbox (<see cref="OutboxFloor"/>: the plain save plus a hand-written outbox row in its batch, no Signals code). A
/// fourth variant saves on a second database of the same server whose tables are captured (<see cref="CapturedBenchDbContext"/>): its
/// triggers write the outbox rows, in their own database so that they fire for no other variant.
/// </summary>
/// <remarks>
/// The Signals contexts come from the app's DI (a pooled factory, as <c>AddPooledDbContextFactory</c> gives), so every commit also
/// wakes the dispatcher — the whole write-side cost of a lone instance, which sends no <c>pg_notify</c> once it has heard no other
/// listener for its peer timeout. The fifth variant, "Signals, notifying", is a second app on a third database with
/// <c>NotifyWithoutPeers</c>: it sends the post-commit <c>pg_notify</c> as an instance does while others listen. The plain contexts
/// come from a pooled factory over the same connection string without the interceptor. Only <c>SaveChanges</c> is timed.
/// </remarks>
internal sealed class WriteOverheadScenario : Scenario
{
    private const int BatchSize = 1_000;
    private const int ConcurrentWriters = 64;
    private const int SingleRowIds = 1_000;
    private const int RowsPerWriter = 10;
    private const int FirstWriterId = SingleRowIds + 1;

    private long _nextId = 1_000_000;

    public override string Name => "write-overhead";

    public override string Title => "Write overhead: SaveChanges with Signals vs plain";

    public override async Task<Measurement> MeasureAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        int blocks = context.Pick(5, 2);
        int singlePerBlock = context.Pick(400, 100);
        int batchesPerBlock = context.Pick(4, 2);
        TimeSpan throughputBlock = TimeSpan.FromSeconds(context.Pick(8, 2));

        BenchPostgres postgres = await context.GetPostgresAsync(cancellationToken);
        string connectionString = await postgres.CreateDatabaseAsync("write_overhead", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(connectionString, FirstWriterId + (ConcurrentWriters * RowsPerWriter), cancellationToken);
        await OutboxFloor.CreateTableAsync(connectionString, cancellationToken);
        string capturedConnectionString = await postgres.CreateDatabaseAsync("write_overhead_captured", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(capturedConnectionString, FirstWriterId + (ConcurrentWriters * RowsPerWriter), cancellationToken, captured: true);

        string notifyingConnectionString = await postgres.CreateDatabaseAsync("write_overhead_notifying", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(notifyingConnectionString, FirstWriterId + (ConcurrentWriters * RowsPerWriter), cancellationToken);

        WebApplication app = BenchApp.CreateBuilder().AddSignalsOnPostgres(connectionString, "writer").Build();
        WebApplication notifying = BenchApp.CreateBuilder()
            .AddSignalsOnPostgres(notifyingConnectionString, "notifying", outbox => outbox.UsePostgreSql(o => o.NotifyWithoutPeers = true))
            .Build();
        await BenchApp.StartAsync(app, cancellationToken);
        long started = Stopwatch.GetTimestamp();
        await BenchApp.StartAsync(notifying, cancellationToken);
        try
        {
            Variant[] variants =
            [
                new("plain", new PooledDbContextFactory<BenchDbContext>(BenchDbContext.PlainOptions(connectionString))),
                new("plain + outbox row", new PooledDbContextFactory<BenchDbContext>(OutboxFloor.Options(connectionString))),
                new("Signals", app.Services.GetRequiredService<IDbContextFactory<BenchDbContext>>()),
                new("Signals + capture", new BaseFactory<CapturedBenchDbContext>(new PooledDbContextFactory<CapturedBenchDbContext>(CapturedBenchDbContext.Options(capturedConnectionString)))),
                new("Signals, notifying", notifying.Services.GetRequiredService<IDbContextFactory<BenchDbContext>>()),
            ];

            // Warm-up: JIT, pools, prepared plans, the dispatcher's first reads; then the rest of the lone instance's peer timeout.
            foreach (Variant variant in variants)
            {
                await SingleRowAsync(variant, 200, new Latencies(), cancellationToken);
                await BatchAsync(variant, perKey: true, new Latencies(), cancellationToken);
                await BatchAsync(variant, perKey: false, new Latencies(), cancellationToken);
                await ThroughputAsync(variant, TimeSpan.FromSeconds(1), cancellationToken);
            }

            await BenchApp.WaitPastPeerTimeoutAsync(started, cancellationToken);

            for (int block = 0; block < blocks; block++)
            {
                foreach (Variant variant in Alternate(variants, block))
                {
                    await SingleRowAsync(variant, singlePerBlock, variant.Single, cancellationToken);
                    for (int i = 0; i < batchesPerBlock; i++)
                    {
                        await BatchAsync(variant, perKey: true, variant.BatchPerKey, cancellationToken);
                        await BatchAsync(variant, perKey: false, variant.BatchOneKey, cancellationToken);
                    }
                }
            }

            for (int block = 0; block < 2; block++)
            {
                foreach (Variant variant in Alternate(variants, block))
                {
                    (long commits, TimeSpan elapsed) = await ThroughputAsync(variant, throughputBlock, cancellationToken);
                    variant.Commits += commits;
                    variant.Elapsed += elapsed;
                }
            }

            foreach (Variant variant in variants)
            {
                Console.WriteLine($"   {variant.Name}: single {variant.Single.Summarize()}; batch/1,000 keys {variant.BatchPerKey.Summarize()}; " +
                    $"batch/1 key {variant.BatchOneKey.Summarize()}; {variant.Commits / variant.Elapsed.TotalSeconds:0} commits/s at {ConcurrentWriters} writers");
            }

            return await ReportAsync(context, postgres, variants, blocks * singlePerBlock, blocks * batchesPerBlock, throughputBlock * 2, cancellationToken);
        }
        finally
        {
            await BenchApp.StopAsync(notifying);
            await BenchApp.StopAsync(app);
        }
    }

    private static IEnumerable<Variant> Alternate(Variant[] variants, int block) => block % 2 == 0 ? variants : variants.Reverse();

    private static async Task SingleRowAsync(Variant variant, int count, Latencies latencies, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            await using BenchDbContext db = await variant.Contexts.CreateDbContextAsync(cancellationToken);
            db.StageUpdate((i % SingleRowIds) + 1, Environment.TickCount64);
            long start = Stopwatch.GetTimestamp();
            await db.SaveChangesAsync(cancellationToken);
            latencies.AddTicks(start, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Inserts one batch: 1,000 items (one key each, <c>perKey</c>) or 1,000 entries (one key for all).</summary>
    private async Task BatchAsync(Variant variant, bool perKey, Latencies latencies, CancellationToken cancellationToken)
    {
        await using BenchDbContext db = await variant.Contexts.CreateDbContextAsync(cancellationToken);
        long first = Interlocked.Add(ref _nextId, BatchSize) - BatchSize;
        for (long id = first; id < first + BatchSize; id++)
        {
            if (perKey)
            {
                db.Items.Add(new BenchItem { Id = id, Value = id });
            }
            else
            {
                db.Entries.Add(new BenchEntry { Id = id, Value = id });
            }
        }

        long start = Stopwatch.GetTimestamp();
        await db.SaveChangesAsync(cancellationToken);
        latencies.AddTicks(start, Stopwatch.GetTimestamp());
    }

    /// <summary>Runs <see cref="ConcurrentWriters"/> writers, each updating its own rows, for <paramref name="duration"/>.</summary>
    private static async Task<(long Commits, TimeSpan Elapsed)> ThroughputAsync(Variant variant, TimeSpan duration, CancellationToken cancellationToken)
    {
        long commits = 0;
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, ConcurrentWriters).Select(writer => Task.Run(
            async () =>
            {
                for (long n = 0; Stopwatch.GetTimestamp() < end; n++)
                {
                    await using BenchDbContext db = await variant.Contexts.CreateDbContextAsync(cancellationToken);
                    db.StageUpdate(FirstWriterId + (writer * RowsPerWriter) + (n % RowsPerWriter), n + 1);
                    await db.SaveChangesAsync(cancellationToken);
                    Interlocked.Increment(ref commits);
                }
            },
            cancellationToken)));
        return (commits, Stopwatch.GetElapsedTime(start));
    }

    private static async Task<Measurement> ReportAsync(
        ScenarioContext context, BenchPostgres postgres, Variant[] variants, int singles, int batches, TimeSpan throughputTime, CancellationToken cancellationToken)
    {
        (Variant plain, Variant floor, Variant signals, Variant captured, Variant notifying) = (variants[0], variants[1], variants[2], variants[3], variants[4]);
        double singlePlain = plain.Single.Percentile(50);
        double singleSignals = signals.Single.Percentile(50);
        double batchPlain = plain.BatchPerKey.Percentile(50);
        double batchSignals = signals.BatchPerKey.Percentile(50);
        double oneKeyPlain = plain.BatchOneKey.Percentile(50);
        double oneKeySignals = signals.BatchOneKey.Percentile(50);
        double throughputPlain = plain.Commits / plain.Elapsed.TotalSeconds;
        double throughputSignals = signals.Commits / signals.Elapsed.TotalSeconds;
        double singleFloor = floor.Single.Percentile(50);
        double batchFloor = floor.BatchPerKey.Percentile(50);
        double oneKeyFloor = floor.BatchOneKey.Percentile(50);
        double throughputFloor = floor.Commits / floor.Elapsed.TotalSeconds;
        double singleCaptured = captured.Single.Percentile(50);
        double batchCaptured = captured.BatchPerKey.Percentile(50);
        double oneKeyCaptured = captured.BatchOneKey.Percentile(50);
        double throughputCaptured = captured.Commits / captured.Elapsed.TotalSeconds;
        double singleNotifying = notifying.Single.Percentile(50);
        double batchNotifying = notifying.BatchPerKey.Percentile(50);
        double throughputNotifying = notifying.Commits / notifying.Elapsed.TotalSeconds;

        await context.Results.WriteChartDataAsync(
            "write-overhead",
            ["case", "plain", "signals", "ratio", "goal"],
            [
                ["single row", singlePlain, singleSignals, singleSignals / singlePlain, 1.3],
                ["1,000 rows / 1,000 keys", batchPlain, batchSignals, batchSignals / batchPlain, 1.2],
                ["1,000 rows / 1 key", oneKeyPlain, oneKeySignals, oneKeySignals / oneKeyPlain, 1.2],
                ["64 writers", throughputPlain, throughputSignals, throughputPlain / throughputSignals, 1 / 0.90],
            ],
            cancellationToken);

        return new Measurement(
            [
                postgres.Description,
                "one process, one database; plain and Signals contexts alternate in blocks; only SaveChanges is timed",
                "Signals: pooled DbContext factory from the app's DI with Signals (UsePostgreSql()), the LISTEN/NOTIFY dispatcher running; a lone instance, so once past its 10 s peer timeout (waited out after the warm-up) it sends no pg_notify",
                "Signals, notifying: the same in a second app on a database of its own with NotifyWithoutPeers = true: every burst of commits sends its post-commit pg_notify, as an instance does while another listens",
                $"plain + outbox row (the floor of any transactional outbox, no Signals code): the plain save with a hand-written INSERT of one row per key into {OutboxFloor.Table} (the outbox's shape, defaults and indexes) appended to its batch; nothing reads, notifies or wakes",
                $"single-row update: {singles:N0} saves per variant, one UPDATE of a known row (no read first)",
                $"1,000-row batch: {batches:N0} inserts of 1,000 new rows per variant; BenchItem has one key per row (1,000 outbox rows), BenchEntry one key for all (1 outbox row)",
                "Signals + capture: HasSignalCapture() on both entities, in a second database of the same server (PostgreSQL statement triggers write the outbox rows; nothing is staged, woken or notified by the save); pooled factory with UsePostgreSql(), no dispatcher",
                $"throughput: {ConcurrentWriters} concurrent writers, each updating its own {RowsPerWriter} rows in a loop, {throughputTime.TotalSeconds:0} s per variant",
            ],
            [
                new Figure("single-row update p50, plain", singlePlain, "ms"),
                new Figure("single-row update p50, Signals", singleSignals, "ms"),
                Figure.AtMost("single-row update, Signals ÷ plain", singleSignals / singlePlain, "×", 1.3),
                new Figure("single-row update p50, plain + outbox row", singleFloor, "ms"),
                new Figure("single-row update, plain + outbox row ÷ plain", singleFloor / singlePlain, "×"),
                new Figure("single-row update, Signals ÷ plain + outbox row", singleSignals / singleFloor, "×"),
                new Figure("1,000-row batch (1,000 keys) p50, plain", batchPlain, "ms"),
                new Figure("1,000-row batch (1,000 keys) p50, Signals", batchSignals, "ms"),
                Figure.AtMost("1,000-row batch (1,000 keys), Signals ÷ plain", batchSignals / batchPlain, "×", 1.2),
                new Figure("1,000-row batch (1,000 keys), plain + outbox row ÷ plain", batchFloor / batchPlain, "×"),
                new Figure("1,000-row batch (1,000 keys), Signals ÷ plain + outbox row", batchSignals / batchFloor, "×"),
                new Figure("1,000-row batch (1 key) p50, plain", oneKeyPlain, "ms"),
                new Figure("1,000-row batch (1 key) p50, Signals", oneKeySignals, "ms"),
                Figure.AtMost("1,000-row batch (1 key), Signals ÷ plain", oneKeySignals / oneKeyPlain, "×", 1.2),
                new Figure("1,000-row batch (1 key), plain + outbox row ÷ plain", oneKeyFloor / oneKeyPlain, "×"),
                new Figure($"throughput at {ConcurrentWriters} writers, plain", throughputPlain, "commits/s"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals", throughputSignals, "commits/s"),
                Figure.AtLeast($"throughput at {ConcurrentWriters} writers, Signals ÷ plain", 100 * throughputSignals / throughputPlain, "%", 90, "≥ 90 % (aim 95 %)"),
                new Figure($"throughput at {ConcurrentWriters} writers, plain + outbox row", throughputFloor, "commits/s"),
                new Figure($"throughput at {ConcurrentWriters} writers, plain + outbox row ÷ plain", 100 * throughputFloor / throughputPlain, "%"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals ÷ plain + outbox row", 100 * throughputSignals / throughputFloor, "%"),
                new Figure("single-row update p50, Signals + capture", singleCaptured, "ms"),
                new Figure("single-row update, Signals + capture ÷ plain", singleCaptured / singlePlain, "×"),
                new Figure("1,000-row batch (1,000 keys) p50, Signals + capture", batchCaptured, "ms"),
                new Figure("1,000-row batch (1,000 keys), Signals + capture ÷ plain", batchCaptured / batchPlain, "×"),
                new Figure("1,000-row batch (1 key) p50, Signals + capture", oneKeyCaptured, "ms"),
                new Figure("1,000-row batch (1 key), Signals + capture ÷ plain", oneKeyCaptured / oneKeyPlain, "×"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals + capture", throughputCaptured, "commits/s"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals + capture ÷ plain", 100 * throughputCaptured / throughputPlain, "%"),
                new Figure("single-row update p50, Signals notifying", singleNotifying, "ms"),
                new Figure("single-row update, Signals notifying ÷ plain", singleNotifying / singlePlain, "×"),
                new Figure("1,000-row batch (1,000 keys), Signals notifying ÷ plain", batchNotifying / batchPlain, "×"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals notifying ÷ plain", 100 * throughputNotifying / throughputPlain, "%"),
            ]);
    }

    /// <summary>A derived context's factory seen as a <see cref="BenchDbContext"/> factory (EF Core's factory interface is invariant).</summary>
    private sealed class BaseFactory<TContext>(IDbContextFactory<TContext> contexts) : IDbContextFactory<BenchDbContext>
        where TContext : BenchDbContext
    {
        public BenchDbContext CreateDbContext() => contexts.CreateDbContext();

        public async Task<BenchDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => await contexts.CreateDbContextAsync(cancellationToken);
    }

    /// <summary>One way of saving, and what was measured with it.</summary>
    private sealed class Variant(string name, IDbContextFactory<BenchDbContext> contexts)
    {
        public string Name { get; } = name;

        public IDbContextFactory<BenchDbContext> Contexts { get; } = contexts;

        public Latencies Single { get; } = new();

        public Latencies BatchPerKey { get; } = new();

        public Latencies BatchOneKey { get; } = new();

        public long Commits { get; set; }

        public TimeSpan Elapsed { get; set; }
    }
}
