using Signals.Chaos.Tests.Workload;

namespace Signals.Chaos.Tests.Verdict;

/// <summary>Everything a chaos run observed, gathered after it quiesced.</summary>
/// <param name="Keys">Every key of the run (what each subscriber watched).</param>
/// <param name="Ghosts">The keys only rolled-back transactions touched.</param>
/// <param name="Replicated">
/// The keys whose outbox rows logical replication writes (the replicated writer's, on PostgreSQL; none on SQLite): the verdict holds them to
/// at least one row rather than one per commit.
/// </param>
/// <param name="Records">Every transaction the writers attempted.</param>
/// <param name="NoteIds">The notes in the table: a transaction committed exactly when its notes are there.</param>
/// <param name="Outbox">The committed outbox rows: key by id (the version the row records).</param>
/// <param name="Reannouncements">The ids of the outbox rows dispatchers wrote to announce a key again after a late commit.</param>
/// <param name="Subscribers">The SSE subscribers.</param>
/// <param name="Sync">Per instance (A, B), every key's version as <c>POST /signals/sync</c> reported it (absent: 0).</param>
internal sealed record ChaosEvidence(
    IReadOnlyList<string> Keys,
    IReadOnlySet<string> Ghosts,
    IReadOnlySet<string> Replicated,
    IReadOnlyList<WriteRecord> Records,
    IReadOnlySet<Guid> NoteIds,
    IReadOnlyDictionary<long, string> Outbox,
    IReadOnlySet<long> Reannouncements,
    IReadOnlyList<ChaosSubscriber> Subscribers,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Sync);
