using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Measuring;
using Signals.LoadTests.Model;

namespace Signals.LoadTests.Scenarios.WriteOverhead;

/// <summary>
/// What Signals adds to a save: the same <c>SaveChanges</c> through a plain context and through one with Signals (<c>UsePostgreSql()</c>), in
/// one process against one database, alternating in blocks so both see the same machine; and, between them, the physical floor of any
/// transactional outbox (<see cref="OutboxFloor"/>: the plain save plus a hand-written outbox row in its batch, no Signals code). A
/// fourth variant saves on a second database of the same server whose tables are captured (<see cref="CapturedBenchDbContext"/>): its
/// triggers write the outbox rows, in their own database so that they fire for no other variant. The sixth, "Signals + capture (logical
/// replication)", saves on a fourth database whose tables are captured by logical replication (<see cref="ReplicatedBenchDbContext"/>):
/// the save writes no outbox row; a third app's dispatcher reads the database's replication slot and writes the keys, live, on the same
/// machine, so its cost (and the walsender's) lands in the measurement.
/// </summary>
/// <remarks>
/// The Signals contexts come from the app's DI (a pooled factory, as <c>AddPooledDbContextFactory</c> gives), so every commit also
/// wakes the dispatcher — the whole write-side cost of a lone instance, which sends no <c>pg_notify</c> once it has heard no other
/// listener for its peer timeout. The fifth variant, "Signals, notifying", is a second app on a third database with
/// <c>NotifyWithoutPeers</c>: it sends the post-commit <c>pg_notify</c> as an instance does while others listen. The plain contexts
/// come from a pooled factory over the same connection string without the interceptor. Only <c>SaveChanges</c> is timed. After each
/// turn of the logical-replication variant the scenario waits, untimed, until its consumer has written the keys of everything the turn
/// committed (<see cref="ReplicatedDatabase.WaitForMarkerAsync"/>), so that the consumer's backlog is not worked off during another
/// variant's turn; the wait after its throughput blocks is reported as its catch-up. The server runs <c>wal_level = logical</c>, for
/// every variant.
/// </remarks>
internal sealed partial class WriteOverheadScenario : Scenario
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
        await BenchDbContext.CreateSchemaAsync(
            capturedConnectionString, FirstWriterId + (ConcurrentWriters * RowsPerWriter), cancellationToken, static c => new CapturedBenchDbContext(CapturedBenchDbContext.Options(c)));
        string replicatedConnectionString = await ReplicatedDatabase.CreateAsync(postgres, Name, FirstWriterId + (ConcurrentWriters * RowsPerWriter), cancellationToken);

        string notifyingConnectionString = await postgres.CreateDatabaseAsync("write_overhead_notifying", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(notifyingConnectionString, FirstWriterId + (ConcurrentWriters * RowsPerWriter), cancellationToken);

        WebApplication app = BenchApp.CreateBuilder().AddSignalsOnPostgres(connectionString, "writer").Build();
        WebApplication notifying = BenchApp.CreateBuilder()
            .AddSignalsOnPostgres(notifyingConnectionString, "notifying", outbox => outbox.UsePostgreSql(o => o.NotifyWithoutPeers = true))
            .Build();
        WebApplication replicating = BenchApp.CreateBuilder().AddSignalsOnPostgres<ReplicatedBenchDbContext>(replicatedConnectionString, "replicating").Build();
        await BenchApp.StartAsync(app, cancellationToken);
        await BenchApp.StartAsync(replicating, cancellationToken);
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
                new(
                    "Signals + capture (logical replication)",
                    new BaseFactory<ReplicatedBenchDbContext>(new PooledDbContextFactory<ReplicatedBenchDbContext>(ReplicatedBenchDbContext.Options(replicatedConnectionString))),
                    replicatedConnectionString),
            ];

            // Warm-up: JIT, pools, prepared plans, the dispatcher's first reads; then the rest of the lone instance's peer timeout.
            foreach (Variant variant in variants)
            {
                await SingleRowAsync(variant, 200, new Latencies(), cancellationToken);
                await BatchAsync(variant, perKey: true, new Latencies(), cancellationToken);
                await BatchAsync(variant, perKey: false, new Latencies(), cancellationToken);
                await ThroughputAsync(variant, TimeSpan.FromSeconds(1), cancellationToken);
                await CatchUpAsync(variant, Stopwatch.GetTimestamp(), cancellationToken);
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

                    await CatchUpAsync(variant, Stopwatch.GetTimestamp(), cancellationToken);
                }
            }

            for (int block = 0; block < 2; block++)
            {
                foreach (Variant variant in Alternate(variants, block))
                {
                    (long commits, TimeSpan elapsed) = await ThroughputAsync(variant, throughputBlock, cancellationToken);
                    variant.Commits += commits;
                    variant.Elapsed += elapsed;
                    if (variant.Replicated is not null)
                    {
                        variant.ThroughputCatchUps.Add(await CatchUpAsync(variant, Stopwatch.GetTimestamp(), cancellationToken));
                    }
                }
            }

            foreach (Variant variant in variants)
            {
                Console.WriteLine($"   {variant.Name}: single {variant.Single.Summarize()}; batch/1,000 keys {variant.BatchPerKey.Summarize()}; " +
                    $"batch/1 key {variant.BatchOneKey.Summarize()}; {variant.Throughput:0} commits/s at {ConcurrentWriters} writers");
                if (variant.Replicated is not null)
                {
                    Console.WriteLine($"   {variant.Name}: outbox caught up {string.Join(", ", variant.ThroughputCatchUps.Select(FormatCatchUp))} after the end of its throughput blocks");
                }
            }

            return await ReportAsync(context, postgres, variants, blocks * singlePerBlock, blocks * batchesPerBlock, throughputBlock * 2, cancellationToken);
        }
        finally
        {
            await BenchApp.StopAsync(notifying);
            await BenchApp.StopAsync(replicating);
            await BenchApp.StopAsync(app);
            await ReplicatedDatabase.DropSlotAsync(replicatedConnectionString);
        }
    }

    /// <summary>Formats one catch-up wait for the console.</summary>
    private static string FormatCatchUp(TimeSpan? catchUp) => catchUp is { } time ? $"{time.TotalMilliseconds:0} ms" : $"not within {ReplicatedDatabase.Bound.TotalSeconds:0} s";

    /// <summary>
    /// For the logical-replication variant, waits (untimed) until its consumer has written the keys of everything committed so far
    /// (<see cref="ReplicatedDatabase.WaitForMarkerAsync"/>); for the others, returns at once.
    /// </summary>
    /// <param name="variant">The variant whose turn just ended.</param>
    /// <param name="since">Where the wait is timed from (<see cref="Stopwatch.GetTimestamp"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>How long after <paramref name="since"/> the keys were there; <see langword="null"/> if not within the bound (printed) or for another variant.</returns>
    private async Task<TimeSpan?> CatchUpAsync(Variant variant, long since, CancellationToken cancellationToken)
    {
        if (variant.Replicated is null)
        {
            return null;
        }

        TimeSpan? caughtUp = await ReplicatedDatabase.WaitForMarkerAsync(variant.Contexts, variant.Replicated, Interlocked.Increment(ref _nextId) - 1, since, cancellationToken);
        if (caughtUp is null)
        {
            Console.WriteLine($"   {variant.Name}: WARNING: the consumer did not write a marker's key within {ReplicatedDatabase.Bound.TotalSeconds:0} s");
        }

        return caughtUp;
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

    /// <summary>A derived context's factory seen as a <see cref="BenchDbContext"/> factory (EF Core's factory interface is invariant).</summary>
    private sealed class BaseFactory<TContext>(IDbContextFactory<TContext> contexts) : IDbContextFactory<BenchDbContext>
        where TContext : BenchDbContext
    {
        public BenchDbContext CreateDbContext() => contexts.CreateDbContext();

        public async Task<BenchDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => await contexts.CreateDbContextAsync(cancellationToken);
    }

    /// <summary>One way of saving, and what was measured with it.</summary>
    /// <param name="name">The variant's name in the report.</param>
    /// <param name="contexts">Where its contexts come from.</param>
    /// <param name="replicated">The database of the logical-replication variant, whose consumer the scenario waits for; <see langword="null"/> for the others.</param>
    private sealed class Variant(string name, IDbContextFactory<BenchDbContext> contexts, string? replicated = null)
    {
        public string Name { get; } = name;

        public IDbContextFactory<BenchDbContext> Contexts { get; } = contexts;

        /// <summary>Gets the database of the logical-replication variant, or <see langword="null"/> for the others.</summary>
        public string? Replicated { get; } = replicated;

        /// <summary>Gets, per throughput block, how long after its end the consumer had written its keys (<see langword="null"/>: not within the bound).</summary>
        public List<TimeSpan?> ThroughputCatchUps { get; } = [];

        public Latencies Single { get; } = new();

        public Latencies BatchPerKey { get; } = new();

        public Latencies BatchOneKey { get; } = new();

        public long Commits { get; set; }

        public TimeSpan Elapsed { get; set; }

        /// <summary>Gets the single-row saves' p50, in ms.</summary>
        public double SingleP50 => Single.Percentile(50);

        /// <summary>Gets the 1,000-row batches' (1,000 keys) p50, in ms.</summary>
        public double BatchP50 => BatchPerKey.Percentile(50);

        /// <summary>Gets the 1,000-row batches' (1 key) p50, in ms.</summary>
        public double OneKeyP50 => BatchOneKey.Percentile(50);

        /// <summary>Gets the throughput at the concurrent writers, in commits/s.</summary>
        public double Throughput => Commits / Elapsed.TotalSeconds;
    }
}
