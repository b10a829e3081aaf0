using Signals.LoadTests.Hosting;
using Signals.LoadTests.Model;
using Signals.LoadTests.Reporting;

namespace Signals.LoadTests.Scenarios.WriteOverhead;

/// <summary>The write-overhead scenario's report: the chart data, the description lines and the figures.</summary>
internal sealed partial class WriteOverheadScenario
{
    private static async Task<Measurement> ReportAsync(
        ScenarioContext context, BenchPostgres postgres, Variant[] variants, int singles, int batches, TimeSpan throughputTime, CancellationToken cancellationToken)
    {
        (Variant plain, Variant floor, Variant signals, Variant captured, Variant notifying, Variant replicated) =
            (variants[0], variants[1], variants[2], variants[3], variants[4], variants[5]);
        bool caughtUp = replicated.ThroughputCatchUps.All(static c => c is not null);
        double catchUp = caughtUp ? replicated.ThroughputCatchUps.Max(static c => c!.Value.TotalMilliseconds) : ReplicatedDatabase.Bound.TotalMilliseconds;

        await context.Results.WriteChartDataAsync(
            "write-overhead",
            ["case", "plain", "signals", "ratio", "goal"],
            [
                ["single row", plain.SingleP50, signals.SingleP50, signals.SingleP50 / plain.SingleP50, 1.3],
                ["1,000 rows / 1,000 keys", plain.BatchP50, signals.BatchP50, signals.BatchP50 / plain.BatchP50, 1.2],
                ["1,000 rows / 1 key", plain.OneKeyP50, signals.OneKeyP50, signals.OneKeyP50 / plain.OneKeyP50, 1.2],
                ["64 writers", plain.Throughput, signals.Throughput, plain.Throughput / signals.Throughput, 1 / 0.90],
            ],
            cancellationToken);

        return new Measurement(
            [
                postgres.Description,
                "every variant runs on this wal_level=logical server (the logical-replication variant needs it; runs from before the throwaway server switched to it used the default wal_level=replica)",
                "one process, one database; plain and Signals contexts alternate in blocks; only SaveChanges is timed",
                "Signals: pooled DbContext factory from the app's DI with Signals (UsePostgreSql()), the LISTEN/NOTIFY dispatcher running; a lone instance, so once past its 10 s peer timeout (waited out after the warm-up) it sends no pg_notify",
                "Signals, notifying: the same in a second app on a database of its own with NotifyWithoutPeers = true: every burst of commits sends its post-commit pg_notify, as an instance does while another listens",
                $"plain + outbox row (the floor of any transactional outbox, no Signals code): the plain save with a hand-written INSERT of one row per key into {OutboxFloor.Table} (the outbox's shape, defaults and indexes) appended to its batch; nothing reads, notifies or wakes",
                $"single-row update: {singles:N0} saves per variant, one UPDATE of a known row (no read first)",
                $"1,000-row batch: {batches:N0} inserts of 1,000 new rows per variant; BenchItem has one key per row (1,000 outbox rows), BenchEntry one key for all (1 outbox row)",
                "Signals + capture: HasSignalCapture() on both entities, in a second database of the same server (PostgreSQL statement triggers write the outbox rows; nothing is staged, woken or notified by the save); pooled factory with UsePostgreSql(), no dispatcher",
                "Signals + capture (logical replication): HasSignalCapture().HasSignalCaptureMechanism(LogicalReplication) on both entities, in a fourth database (the tables in the outbox's publication with REPLICA IDENTITY FULL, one pgoutput slot); the save writes no outbox row (pooled factory with UsePostgreSql(), nothing staged); a third app with the dispatcher on that context runs live on this machine, its ReplicationConsumer reading the slot and writing the keys in later transactions of its own",
                $"logical replication's catch-up: after each of its turns the scenario inserts a marker row and waits, untimed, until the consumer has written its key (commit order, so every key of the turn is written by then; polled every 10 ms, bounded to {ReplicatedDatabase.Bound.TotalSeconds:0} s), so its backlog is not worked off in another variant's turn; the figure is the longest such wait after its throughput blocks, from the end of the block",
                $"throughput: {ConcurrentWriters} concurrent writers, each updating its own {RowsPerWriter} rows in a loop, {throughputTime.TotalSeconds:0} s per variant",
            ],
            [
                new Figure("single-row update p50, plain", plain.SingleP50, "ms"),
                new Figure("single-row update p50, Signals", signals.SingleP50, "ms"),
                Figure.AtMost("single-row update, Signals ÷ plain", signals.SingleP50 / plain.SingleP50, "×", 1.3),
                new Figure("single-row update p50, plain + outbox row", floor.SingleP50, "ms"),
                new Figure("single-row update, plain + outbox row ÷ plain", floor.SingleP50 / plain.SingleP50, "×"),
                new Figure("single-row update, Signals ÷ plain + outbox row", signals.SingleP50 / floor.SingleP50, "×"),
                new Figure("1,000-row batch (1,000 keys) p50, plain", plain.BatchP50, "ms"),
                new Figure("1,000-row batch (1,000 keys) p50, Signals", signals.BatchP50, "ms"),
                Figure.AtMost("1,000-row batch (1,000 keys), Signals ÷ plain", signals.BatchP50 / plain.BatchP50, "×", 1.2),
                new Figure("1,000-row batch (1,000 keys), plain + outbox row ÷ plain", floor.BatchP50 / plain.BatchP50, "×"),
                new Figure("1,000-row batch (1,000 keys), Signals ÷ plain + outbox row", signals.BatchP50 / floor.BatchP50, "×"),
                new Figure("1,000-row batch (1 key) p50, plain", plain.OneKeyP50, "ms"),
                new Figure("1,000-row batch (1 key) p50, Signals", signals.OneKeyP50, "ms"),
                Figure.AtMost("1,000-row batch (1 key), Signals ÷ plain", signals.OneKeyP50 / plain.OneKeyP50, "×", 1.2),
                new Figure("1,000-row batch (1 key), plain + outbox row ÷ plain", floor.OneKeyP50 / plain.OneKeyP50, "×"),
                new Figure($"throughput at {ConcurrentWriters} writers, plain", plain.Throughput, "commits/s"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals", signals.Throughput, "commits/s"),
                Figure.AtLeast($"throughput at {ConcurrentWriters} writers, Signals ÷ plain", 100 * signals.Throughput / plain.Throughput, "%", 90, "≥ 90 % (aim 95 %)"),
                new Figure($"throughput at {ConcurrentWriters} writers, plain + outbox row", floor.Throughput, "commits/s"),
                new Figure($"throughput at {ConcurrentWriters} writers, plain + outbox row ÷ plain", 100 * floor.Throughput / plain.Throughput, "%"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals ÷ plain + outbox row", 100 * signals.Throughput / floor.Throughput, "%"),
                new Figure("single-row update p50, Signals + capture", captured.SingleP50, "ms"),
                new Figure("single-row update, Signals + capture ÷ plain", captured.SingleP50 / plain.SingleP50, "×"),
                new Figure("1,000-row batch (1,000 keys) p50, Signals + capture", captured.BatchP50, "ms"),
                new Figure("1,000-row batch (1,000 keys), Signals + capture ÷ plain", captured.BatchP50 / plain.BatchP50, "×"),
                new Figure("1,000-row batch (1 key) p50, Signals + capture", captured.OneKeyP50, "ms"),
                new Figure("1,000-row batch (1 key), Signals + capture ÷ plain", captured.OneKeyP50 / plain.OneKeyP50, "×"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals + capture", captured.Throughput, "commits/s"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals + capture ÷ plain", 100 * captured.Throughput / plain.Throughput, "%"),
                new Figure("single-row update p50, Signals notifying", notifying.SingleP50, "ms"),
                new Figure("single-row update, Signals notifying ÷ plain", notifying.SingleP50 / plain.SingleP50, "×"),
                new Figure("1,000-row batch (1,000 keys), Signals notifying ÷ plain", notifying.BatchP50 / plain.BatchP50, "×"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals notifying ÷ plain", 100 * notifying.Throughput / plain.Throughput, "%"),
                new Figure("single-row update p50, Signals + capture (logical replication)", replicated.SingleP50, "ms"),
                Figure.AtMost("single-row update, Signals + capture (logical replication) ÷ plain", replicated.SingleP50 / plain.SingleP50, "×", 1.3),
                new Figure("1,000-row batch (1,000 keys) p50, Signals + capture (logical replication)", replicated.BatchP50, "ms"),
                new Figure("1,000-row batch (1,000 keys), Signals + capture (logical replication) ÷ plain", replicated.BatchP50 / plain.BatchP50, "×"),
                new Figure("1,000-row batch (1 key) p50, Signals + capture (logical replication)", replicated.OneKeyP50, "ms"),
                new Figure("1,000-row batch (1 key), Signals + capture (logical replication) ÷ plain", replicated.OneKeyP50 / plain.OneKeyP50, "×"),
                new Figure($"throughput at {ConcurrentWriters} writers, Signals + capture (logical replication)", replicated.Throughput, "commits/s"),
                Figure.AtLeast(
                    $"throughput at {ConcurrentWriters} writers, Signals + capture (logical replication) ÷ plain", 100 * replicated.Throughput / plain.Throughput, "%", 90, "≥ 90 % (aim 95 %)"),
                new Figure(
                    $"outbox caught up after {ConcurrentWriters} writers, Signals + capture (logical replication): longest wait from a throughput block's end until its keys were written",
                    catchUp,
                    "ms",
                    $"within the {ReplicatedDatabase.Bound.TotalSeconds:0} s wait",
                    caughtUp),
            ]);
    }
}
