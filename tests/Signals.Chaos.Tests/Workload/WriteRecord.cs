namespace Signals.Chaos.Tests.Workload;

/// <summary>One transaction of a writer: the notes it inserted, the keys they bump, and how it ended.</summary>
/// <param name="Writer">The writer.</param>
/// <param name="NoteIds">The ids of the notes it inserted; they exist in the table exactly when it committed.</param>
/// <param name="Keys">
/// The keys it bumps, one per outbox row it writes (see <c>ChaosWriter</c>: once per transaction, or once per row on SQLite's triggers);
/// for a replicated writer each key once, though logical replication may write it together with other commits' or twice (see <c>ChaosVerdict</c>).
/// </param>
/// <param name="Outcome">How it ended, as far as the writer knows.</param>
/// <param name="CommitSent">When the writer sent the commit (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), or 0 if it never did.</param>
internal sealed record WriteRecord(int Writer, Guid[] NoteIds, string[] Keys, WriteOutcome Outcome, long CommitSent);
