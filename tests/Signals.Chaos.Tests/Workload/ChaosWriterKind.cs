namespace Signals.Chaos.Tests.Workload;

/// <summary>How a chaos writer writes, and so which table it writes and what writes its outbox rows.</summary>
internal enum ChaosWriterKind
{
    /// <summary>Saves notes through an instance's scoped context: the <c>SaveChanges</c> interceptor writes their outbox rows, one per key and transaction.</summary>
    Context,

    /// <summary>
    /// Inserts raw notes by raw SQL into the table captured by triggers: the database's triggers write their outbox rows in the same
    /// transaction (PostgreSQL: one per key and transaction; SQLite: one per row and key).
    /// </summary>
    Triggers,

    /// <summary>
    /// Inserts replicated notes by raw SQL into the table captured by logical replication (PostgreSQL only): an instance's replication
    /// consumer writes their outbox rows after the commit, in a transaction of its own that may cover several commits (one row per key for
    /// all of them) and may be written again after a replay (a second row).
    /// </summary>
    Replication,
}
