namespace Signals.EntityFrameworkCore;

/// <summary>Where a source stands after a read.</summary>
/// <param name="Settled">
/// The settled cursor: every outbox id at or below it is either read or will never commit (see <see cref="SignalHub.SettledCursor"/>).
/// Never decreases.
/// </param>
/// <param name="CompactedThrough">The highest compacted version seen by the read (0 for none): see <see cref="SignalHub.ResumeFloor"/>.</param>
/// <param name="Head">
/// The highest outbox id the read knows of: drawn from the sequence (PostgreSQL) or read (polling). <c>Head - Settled</c> is the
/// instance's unsettled backlog, reported as <c>signals.outbox.depth</c>.
/// </param>
internal readonly record struct OutboxProgress(long Settled, long CompactedThrough, long Head);
