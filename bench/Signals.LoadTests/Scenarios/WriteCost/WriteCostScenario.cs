using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Model;
using Signals.LoadTests.Reporting;

namespace Signals.LoadTests.Scenarios.WriteCost;

/// <summary>
/// Where a save's cost goes, counted rather than timed, so the figures hold on a busy machine too: statements, round trips,
/// transactions, WAL and CPU per save, the dispatcher's reads and <c>NOTIFY</c>s per commit, <c>DetectChanges</c> runs and
/// allocations per save — for the same saves as <c>write-overhead</c>, plain, plain with a hand-written outbox row (<see cref="OutboxFloor"/>),
/// with Signals (its dispatcher running) and, last, "Signals + capture (logical replication)" (<see cref="ReplicatedBenchDbContext"/>,
/// on a database of its own): the save writes only its own row, and a second app's dispatcher reads the database's replication slot,
/// writes the keys into the outbox in transactions of its own and reads them back, live in this process, so what the whole server
/// does for a replicated save (the walsender included) is counted.
/// </summary>
/// <remarks>
/// Statements (and so the dispatcher's reads and <c>NOTIFY</c>s) come from <c>pg_stat_statements</c>, which the server must load
/// (<c>shared_preload_libraries</c>; the throwaway local server does not, so there those figures are n/a); the server's CPU time is read
/// from <c>/proc</c> when the server runs on this machine: the postmaster and every process it forked (backends, the walsender of the
/// replication slot, the WAL writer, checkpointer and the other auxiliary processes). Each phase of the logical-replication variant ends
/// only once its reader has written the keys of all the phase's commits (<see cref="ReplicationWrites"/>), so its work for them is counted.
/// </remarks>
internal sealed partial class WriteCostScenario : Scenario
{
    private const int Writers = 64;
    private const int RowsPerWriter = 10;
    private const int SingleRowIds = 1_000;
    private const int BatchSize = 1_000;

    /// <summary>The longest a phase of the logical-replication variant waits for its reader to write the keys of the phase's commits.</summary>
    private static readonly TimeSpan CatchUpBound = TimeSpan.FromSeconds(30);

    private long _nextId = 1_000_000;

    public override string Name => "write-cost";

    public override string Title => "Write cost: what a save does, plain vs Signals";

    public override async Task<Measurement> MeasureAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        int singles = context.Pick(2_000, 300);
        int concurrent = context.Pick(20_000, 3_000);
        int batches = context.Pick(10, 3);

        BenchPostgres postgres = await context.GetPostgresAsync(cancellationToken);
        string connectionString = await postgres.CreateDatabaseAsync("write_cost", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(connectionString, SingleRowIds + (Writers * RowsPerWriter), cancellationToken);
        await OutboxFloor.CreateTableAsync(connectionString, cancellationToken);
        ServerCounters server = await ServerCounters.OpenAsync(connectionString, cancellationToken);
        using var client = new ClientCounters();

        WebApplication app = BenchApp.CreateBuilder().AddSignalsOnPostgres(connectionString, "writer").Build();
        await BenchApp.StartAsync(app, cancellationToken);
        long started = Stopwatch.GetTimestamp();
        try
        {
            (string Name, IDbContextFactory<BenchDbContext> Contexts)[] variants =
            [
                ("plain", new PooledDbContextFactory<BenchDbContext>(BenchDbContext.PlainOptions(connectionString))),
                ("plain + outbox row", new PooledDbContextFactory<BenchDbContext>(OutboxFloor.Options(connectionString))),
                ("Signals", app.Services.GetRequiredService<IDbContextFactory<BenchDbContext>>()),
            ];
            foreach ((_, IDbContextFactory<BenchDbContext> contexts) in variants)
            {
                await SingleRowAsync(contexts, 200, cancellationToken);
                await ConcurrentAsync(contexts, 2_000, cancellationToken);
                await BatchAsync(contexts, 1, cancellationToken);
            }

            await BenchApp.WaitPastPeerTimeoutAsync(started, cancellationToken);
            var run = new Run(singles, concurrent, batches, context.Pick(1_000, 100), client);
            foreach ((string name, IDbContextFactory<BenchDbContext> contexts) in variants)
            {
                await MeasureVariantAsync(run, name, contexts, server, reader: null, cancellationToken);
            }

            // Last, so that its reader (and the walsender) is not running while the others are counted.
            await MeasureReplicatedAsync(postgres, run, cancellationToken);

            await context.Results.WriteTextAsync("write-cost.statements.md", run.Statements.ToString(), cancellationToken);
            return new Measurement(
                [
                    postgres.Description,
                    "one process, the same saves as write-overhead; plain first, then plain + outbox row (write-overhead's floor: a hand-written outbox row in the save's batch, no Signals code), then Signals with its LISTEN/NOTIFY dispatcher running, a lone instance past its peer timeout (no post-commit pg_notify; write-overhead's \"Signals, notifying\" shows what one costs), all three on one database",
                    ReplicatedSetup,
                    $"single-row: {singles:N0} sequential saves (one UPDATE each); {Writers} writers: {concurrent:N0} saves in all; batch: {batches} inserts of 1,000 rows with one key each",
                    "per save, over the whole phase: statements (pg_stat_statements, every backend of the variant's database, DISCARD ALL included), round trips (Npgsql's db.client.operation.duration count: the writers' pool and the dispatcher's, whose data source the replication reader's outbox writes also use), transactions (pg_stat_database, the variant's database), write transactions (transaction ids drawn, server-wide), WAL (server-wide: pg_stat_wal records and syncs, insert position for bytes), CPU (this process, every app in it included; the server's processes from /proc: the postmaster and all its children, i.e. the backends, the walsender of the replication slot, the WAL writer, checkpointer, background writer and the other auxiliary processes; a process that exits during a phase is not counted)",
                    "dispatcher reads and NOTIFYs per commit: calls of the dispatcher's read of what committed since its last snapshot (one statement over pg_current_snapshot(), the state table and the outbox; batched with a read of the outbox's id sequence, which is not counted here) and of pg_notify (the listener's announcements, every 2.5 s, not counted); DetectChanges: EF Core's DetectChangesStarting events; saving thread: a synchronous SaveChanges on a thread of its own, GC.GetAllocatedBytesForCurrentThread and its CPU time (/proc/thread-self/schedstat)",
                    "statement by statement: results/write-cost.statements.md",
                ],
                run.Figures);
        }
        finally
        {
            await BenchApp.StopAsync(app);
        }
    }

    /// <summary>Counts one variant's three phases and its saving thread, and adds the figures and statements to the run's.</summary>
    /// <param name="run">The run's sizes, counters and results.</param>
    /// <param name="name">The variant's name in the figures.</param>
    /// <param name="contexts">Where its contexts come from.</param>
    /// <param name="server">The server's counters on the variant's database.</param>
    /// <param name="reader">For the logical-replication variant, its reader's writes, waited for at the end of each phase; otherwise <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the measurement.</param>
    /// <returns>A task that completes when the variant is measured.</returns>
    private async Task MeasureVariantAsync(
        Run run, string name, IDbContextFactory<BenchDbContext> contexts, ServerCounters server, ReplicationWrites? reader, CancellationToken cancellationToken)
    {
        Phase single = await MeasurePhaseAsync(server, run.Client, reader, run.Singles, () => SingleRowAsync(contexts, run.Singles, cancellationToken), cancellationToken);
        Phase writers = await MeasurePhaseAsync(server, run.Client, reader, run.Concurrent, () => ConcurrentAsync(contexts, run.Concurrent, cancellationToken), cancellationToken);
        Phase batch = await MeasurePhaseAsync(server, run.Client, reader, run.Batches, () => BatchAsync(contexts, run.Batches, cancellationToken), cancellationToken);
        (double Bytes, double CpuMicroseconds) savingOne = SavingThreadCost(
            contexts, run.SavingThreadSaves, static (db, i) => db.StageUpdate((i % SingleRowIds) + 1, Environment.TickCount64));
        (double Bytes, double CpuMicroseconds) savingBatch = SavingThreadCost(contexts, run.Batches, AddBatch);
        run.Figures.AddRange(single.Figures($"single-row, {name}", server, savingOne));
        run.Figures.AddRange(writers.Figures($"{Writers} writers, {name}", server));
        run.Figures.AddRange(batch.Figures($"1,000-row batch (1,000 keys), {name}", server, savingBatch));
        run.Statements.Append(single.Statements($"single-row, {name}")).Append(writers.Statements($"{Writers} writers, {name}"))
            .Append(batch.Statements($"1,000-row batch (1,000 keys), {name}"));
        Console.WriteLine($"   {name}: done");
    }

    /// <summary>
    /// Counts one phase: the server's and this process's counters before and after <paramref name="run"/>; with a
    /// <paramref name="reader"/>, after waiting (bounded by <see cref="CatchUpBound"/>) until it has written the keys of the phase's
    /// <paramref name="saves"/> commits, so that its work for them is counted.
    /// </summary>
    private static async Task<Phase> MeasurePhaseAsync(
        ServerCounters server, ClientCounters client, ReplicationWrites? reader, int saves, Func<Task> run, CancellationToken cancellationToken)
    {
        ServerCounters.Sample serverStart = await server.StartAsync(cancellationToken);
        ClientCounters.Sample clientStart = client.Read();
        long written = reader?.Commits ?? 0;
        await run();
        if (reader is not null && !await reader.WaitAsync(written + saves, CatchUpBound, cancellationToken))
        {
            Console.WriteLine($"   WARNING: the replication reader wrote {reader.Commits - written:N0} of {saves:N0} commits within {CatchUpBound.TotalSeconds:0} s; the rest is not counted");
        }

        ServerCounters.Delta serverDelta = await server.StopAsync(serverStart, cancellationToken);
        return new Phase(saves, serverDelta, clientStart, client.Read());
    }

    private static async Task SingleRowAsync(IDbContextFactory<BenchDbContext> contexts, int count, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            await using BenchDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
            db.StageUpdate((i % SingleRowIds) + 1, Environment.TickCount64);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static async Task ConcurrentAsync(IDbContextFactory<BenchDbContext> contexts, int count, CancellationToken cancellationToken)
    {
        int next = 0;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(
            async () =>
            {
                for (long n = 0; Interlocked.Increment(ref next) <= count; n++)
                {
                    await using BenchDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
                    db.StageUpdate(SingleRowIds + 1 + (writer * RowsPerWriter) + (n % RowsPerWriter), Environment.TickCount64);
                    await db.SaveChangesAsync(cancellationToken);
                }
            },
            cancellationToken)));
    }

    private async Task BatchAsync(IDbContextFactory<BenchDbContext> contexts, int count, CancellationToken cancellationToken)
    {
        for (int batch = 0; batch < count; batch++)
        {
            await using BenchDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
            AddBatch(db, batch);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Adds 1,000 new items (one key each).</summary>
    private void AddBatch(BenchDbContext db, int batch)
    {
        long first = Interlocked.Add(ref _nextId, BatchSize) - BatchSize;
        for (long id = first; id < first + BatchSize; id++)
        {
            db.Items.Add(new BenchItem { Id = id, Value = id });
        }
    }

    /// <summary>
    /// What one synchronous save (context rental included) costs the saving thread, averaged: bytes allocated, and CPU time
    /// (<c>/proc/thread-self/schedstat</c>, in nanoseconds: time on a processor, not waiting for the database or for a turn on the CPU).
    /// </summary>
    private static (double Bytes, double CpuMicroseconds) SavingThreadCost(IDbContextFactory<BenchDbContext> contexts, int count, Action<BenchDbContext, int> stage)
    {
        // On one thread from start to end: the save is synchronous, and this thread is not handed back to the pool meanwhile.
        (double, double) result = default;
        var thread = new Thread(() =>
        {
            long cpu = ThreadCpuNanoseconds();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < count; i++)
            {
                using BenchDbContext db = contexts.CreateDbContext();
                stage(db, i);
                db.SaveChanges();
            }

            result = ((GC.GetAllocatedBytesForCurrentThread() - before) / (double)count, (ThreadCpuNanoseconds() - cpu) / 1_000.0 / count);
        });
        thread.Start();
        thread.Join();
        return result;
    }

    private static long ThreadCpuNanoseconds()
        => File.Exists("/proc/thread-self/schedstat")
            ? long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0], CultureInfo.InvariantCulture)
            : 0;

    /// <summary>What one phase of saves cost.</summary>
    private sealed record Phase(int Saves, ServerCounters.Delta Server, ClientCounters.Sample ClientStart, ClientCounters.Sample ClientEnd)
    {
        private static bool IsDispatcherPool(string pool) => pool.Contains("Signals dispatcher", StringComparison.Ordinal);

        /// <summary>
        /// The dispatcher's read of what committed since its last snapshot: one statement over <c>pg_current_snapshot()</c>, the state
        /// table and the outbox, by transaction id (<c>= ANY($1)</c>); not its start-up read (the newest rows, no <c>ANY</c>).
        /// </summary>
        private static bool IsOutboxRead(string query)
            => query.Contains("pg_current_snapshot()", StringComparison.Ordinal) && query.Contains("signals_outbox", StringComparison.Ordinal)
                && query.Contains("ANY(", StringComparison.Ordinal);

        /// <summary>The wake-ups after commits; not the listener's announcements (<c>pg_notify(…) AS listener</c>).</summary>
        private static bool IsNotify(string query) => query.Contains("pg_notify", StringComparison.Ordinal) && !query.Contains("AS listener", StringComparison.Ordinal);

        public IEnumerable<Figure> Figures(string label, ServerCounters server, (double Bytes, double CpuMicroseconds)? savingThread = null)
        {
            double saves = Saves;
            if (server.CountsStatements)
            {
                yield return new Figure($"{label}: statements per save", Server.StatementCalls / saves, string.Empty);
            }

            yield return new Figure($"{label}: round trips per save, writers", ClientEnd.RoundTripsSince(ClientStart, static p => !IsDispatcherPool(p)) / saves, string.Empty);
            yield return new Figure($"{label}: round trips per save, dispatcher", ClientEnd.RoundTripsSince(ClientStart, IsDispatcherPool) / saves, string.Empty);
            yield return new Figure($"{label}: transactions per save", Server.Transactions / saves, string.Empty);
            yield return new Figure($"{label}: write transactions (ids drawn) per save", Server.Xids / saves, string.Empty);
            yield return new Figure($"{label}: WAL records per save", Server.WalRecords / saves, string.Empty);
            yield return new Figure($"{label}: WAL bytes per save", Server.WalBytes / saves, "B");
            yield return new Figure($"{label}: WAL syncs per save", Server.WalSyncs / saves, string.Empty);
            if (server.CountsStatements)
            {
                yield return new Figure($"{label}: dispatcher outbox reads per save", Server.Calls(IsOutboxRead) / saves, string.Empty);
                yield return new Figure($"{label}: NOTIFYs per save", Server.Calls(IsNotify) / saves, string.Empty);
            }

            yield return new Figure($"{label}: DetectChanges runs per save", (ClientEnd.DetectChanges - ClientStart.DetectChanges) / saves, string.Empty);
            yield return new Figure($"{label}: CPU per save, this process", 1e6 * (ClientEnd.CpuSeconds - ClientStart.CpuSeconds) / saves, "µs");
            if (server.ReadsCpu)
            {
                yield return new Figure($"{label}: CPU per save, PostgreSQL", 1e6 * Server.CpuSeconds / saves, "µs");
            }

            yield return new Figure($"{label}: allocated per save, whole process", (ClientEnd.AllocatedBytes - ClientStart.AllocatedBytes) / saves, "B");
            if (savingThread is { } writer)
            {
                yield return new Figure($"{label}: allocated per save, saving thread (synchronous SaveChanges)", writer.Bytes, "B");
                yield return new Figure($"{label}: CPU per save, saving thread (synchronous SaveChanges)", writer.CpuMicroseconds, "µs");
            }
        }

        public string Statements(string label)
        {
            var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"### {label}\n\n| calls per save | mean exec µs | plans per call | mean plan µs | statement |\n| ---: | ---: | ---: | ---: | --- |\n");
            foreach (ServerCounters.StatementCount s in Server.Statements)
            {
                string query = s.Query.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
                query = query.Length > 160 ? query[..160] + "…" : query;
                text.Append(CultureInfo.InvariantCulture,
                    $"| {s.Calls / (double)Saves:0.###} | {1000 * s.ExecMilliseconds / s.Calls:0.#} | {s.Plans / (double)s.Calls:0.##} | {(s.Plans == 0 ? 0 : 1000 * s.PlanMilliseconds / s.Plans):0.#} | `{query}` |\n");
            }

            return text.Append('\n').ToString();
        }
    }
}
