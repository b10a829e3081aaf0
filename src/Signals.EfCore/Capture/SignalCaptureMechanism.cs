namespace Signals.EntityFrameworkCore;

/// <summary>How change data capture (<c>HasSignalCapture()</c>) sees the committed writes to a captured table.</summary>
/// <remarks>docs/capture.md compares the two: what each costs, what each needs from the database, and when to choose which.</remarks>
public enum SignalCaptureMechanism
{
    /// <summary>
    /// Database triggers (PostgreSQL and SQLite) bump the keys inside the writer's own statement and transaction: the outbox rows commit
    /// with the data, and nothing else runs. The writer pays for it, on every captured statement.
    /// </summary>
    Triggers = 0,

    /// <summary>
    /// PostgreSQL's logical replication: a publication of the captured tables (with <c>REPLICA IDENTITY FULL</c>, for the old values of a
    /// move) and one <c>pgoutput</c> replication slot per database and outbox, read by one dispatcher at a time, which writes the keys
    /// into the outbox after the data commits, many commits per statement. The writer pays nothing but the full old row in the WAL; the
    /// server must run with <c>wal_level = logical</c> and the application's database user needs the <c>REPLICATION</c> attribute
    /// (https://www.postgresql.org/docs/current/logical-replication.html).
    /// </summary>
    LogicalReplication = 1,
}
