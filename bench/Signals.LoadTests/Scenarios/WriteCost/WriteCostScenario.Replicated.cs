using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Model;
using Signals.LoadTests.Reporting;
using Signals.LoadTests.Scenarios.WriteOverhead;

namespace Signals.LoadTests.Scenarios.WriteCost;

/// <content>The logical-replication variant: its database, its reader app, and the run's shared sizes and results.</content>
internal sealed partial class WriteCostScenario
{
    /// <summary>The variant's name in the figures.</summary>
    private const string ReplicatedName = "Signals + capture (logical replication)";

    /// <summary>Gets the setup line of the logical-replication variant.</summary>
    private static string ReplicatedSetup =>
        "Signals + capture (logical replication), last, on a second database of the same server (wal_level=logical): HasSignalCapture().HasSignalCaptureMechanism(LogicalReplication) " +
        "on both entities (the tables in the outbox's publication with REPLICA IDENTITY FULL, one pgoutput slot); the save writes only its own row, through the pooled " +
        "factory of a second app in this process (UsePostgreSql()) whose dispatcher reads the slot (its walsender is a child of the postmaster, so its CPU is in the server's), " +
        "writes the keys into the outbox in a transaction of its own after each commit it reads (several commits per write when they pile up), then wakes the dispatcher, which " +
        "reads them; a lone instance past its peer timeout, as Signals; started only after the other variants are counted, so neither it nor the walsender runs during theirs. " +
        "Each phase ends once the reader has reported writing the keys of all the phase's commits (its Debug event 134, read in-process: no query or marker of the scenario's " +
        "own is counted; bounded to " + $"{CatchUpBound.TotalSeconds:0} s, a shortfall is printed), so its transactions, WAL, statements and CPU for them are in the phase";

    /// <summary>
    /// Creates the logical-replication variant's database, starts its reader app, warms both up and counts the variant as the others
    /// are counted, each phase ending once the reader has written the phase's keys; then stops the app and drops the slot.
    /// </summary>
    /// <param name="postgres">The server (at <c>wal_level = logical</c>).</param>
    /// <param name="run">The run's sizes, counters and results.</param>
    /// <param name="cancellationToken">Cancels the measurement.</param>
    /// <returns>A task that completes when the variant is counted.</returns>
    private async Task MeasureReplicatedAsync(BenchPostgres postgres, Run run, CancellationToken cancellationToken)
    {
        string connectionString = await ReplicatedDatabase.CreateAsync(postgres, Name, SingleRowIds + (Writers * RowsPerWriter), cancellationToken);
        ServerCounters server = await ServerCounters.OpenAsync(connectionString, cancellationToken);
        WebApplicationBuilder builder = BenchApp.CreateBuilder().AddSignalsOnPostgres<ReplicatedBenchDbContext>(connectionString, "replicating");
        ReplicationWrites reader = ReplicationWrites.AddTo(builder);
        WebApplication app = builder.Build();
        try
        {
            await BenchApp.StartAsync(app, cancellationToken);
            long started = Stopwatch.GetTimestamp();
            var contexts = new BaseFactory<ReplicatedBenchDbContext>(app.Services.GetRequiredService<IDbContextFactory<ReplicatedBenchDbContext>>());
            await SingleRowAsync(contexts, 200, cancellationToken);
            await ConcurrentAsync(contexts, 2_000, cancellationToken);
            await BatchAsync(contexts, 1, cancellationToken);

            // Untimed and uncounted: the warm-up's (and the seed rows') keys are written before the first phase starts counting.
            if (await ReplicatedDatabase.WaitForMarkerAsync(contexts, connectionString, Interlocked.Increment(ref _nextId) - 1, Stopwatch.GetTimestamp(), cancellationToken) is null)
            {
                Console.WriteLine($"   {ReplicatedName}: WARNING: the reader did not write the warm-up's keys within {ReplicatedDatabase.Bound.TotalSeconds:0} s");
            }

            await BenchApp.WaitPastPeerTimeoutAsync(started, cancellationToken);
            await MeasureVariantAsync(run, ReplicatedName, contexts, server, reader, cancellationToken);
        }
        finally
        {
            await BenchApp.StopAsync(app);
            await ReplicatedDatabase.DropSlotAsync(connectionString);
        }
    }

    /// <summary>The run's sizes, this process's counters, and the figures and statements of every variant so far.</summary>
    /// <param name="Singles">Sequential single-row saves per variant.</param>
    /// <param name="Concurrent">Saves of the <see cref="Writers"/> writers, in all, per variant.</param>
    /// <param name="Batches">1,000-row batches per variant.</param>
    /// <param name="SavingThreadSaves">Synchronous single-row saves timed on the saving thread per variant.</param>
    /// <param name="Client">This process's counters.</param>
    private sealed record Run(int Singles, int Concurrent, int Batches, int SavingThreadSaves, ClientCounters Client)
    {
        /// <summary>Gets the figures of the variants counted so far.</summary>
        public List<Figure> Figures { get; } = [];

        /// <summary>Gets the statement tables of the variants counted so far (Markdown).</summary>
        public StringBuilder Statements { get; } = new();
    }

    /// <summary>A derived context's factory seen as a <see cref="BenchDbContext"/> factory (EF Core's factory interface is invariant).</summary>
    /// <typeparam name="TContext">The derived context.</typeparam>
    /// <param name="contexts">The derived context's factory.</param>
    private sealed class BaseFactory<TContext>(IDbContextFactory<TContext> contexts) : IDbContextFactory<BenchDbContext>
        where TContext : BenchDbContext
    {
        /// <inheritdoc/>
        public BenchDbContext CreateDbContext() => contexts.CreateDbContext();

        /// <inheritdoc/>
        public async Task<BenchDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => await contexts.CreateDbContextAsync(cancellationToken);
    }
}
