namespace Signals.Chaos.Tests.Workload;

/// <summary>What a writer knows about one of its transactions when it is over.</summary>
internal enum WriteOutcome
{
    /// <summary>The commit returned successfully.</summary>
    Committed,

    /// <summary>The transaction was meant to roll back, and no commit was ever sent.</summary>
    RolledBack,

    /// <summary>It failed before its commit was sent (instance or database down, connection cut): it certainly did not commit.</summary>
    NotCommitted,

    /// <summary>The commit itself failed: it may or may not have committed. The verdict resolves it by reading the notes back.</summary>
    Unknown,
}
