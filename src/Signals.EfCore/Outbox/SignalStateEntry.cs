namespace Signals.EntityFrameworkCore;

/// <summary>
/// The compacted state of one key: its latest version from outbox rows that retention removed, so versions survive the cleanup and
/// a starting instance still loads them.
/// </summary>
/// <remarks>
/// Mapped by <c>modelBuilder.AddSignalsOutbox()</c> to <c>signals_state</c> (columns <c>key</c>, <c>version</c>, <c>hash</c>,
/// <c>updated_at</c>, and on PostgreSQL <c>xid</c>, the transaction that last compacted the row, which lets running dispatchers read
/// compacted rows they had not read from the outbox yet). Only the outbox cleanup writes it.
/// </remarks>
public sealed class SignalStateEntry
{
    /// <summary>Gets or sets the canonical key.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>Gets or sets the key's latest compacted version: the id of the newest outbox row of the key that was removed.</summary>
    public long Version { get; set; }

    /// <summary>Gets or sets the content hash recorded with that version, or <see langword="null"/>.</summary>
    public string? Hash { get; set; }

    /// <summary>Gets or sets when that version was staged (the outbox row's <see cref="SignalOutboxEntry.CreatedAt"/>).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
