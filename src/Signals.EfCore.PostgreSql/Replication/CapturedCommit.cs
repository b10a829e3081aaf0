using NpgsqlTypes;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>The changes of one committed transaction to the captured tables, and where it ends in the WAL.</summary>
internal sealed class CapturedCommit
{
    /// <summary>Gets the transaction's changes to captured tables, in order.</summary>
    public List<CapturedChange> Changes { get; } = [];

    /// <summary>Gets or sets the WAL position just past the transaction's commit: once its keys are in the outbox, the slot may forget it.</summary>
    public NpgsqlLogSequenceNumber End { get; set; }
}
