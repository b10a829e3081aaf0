namespace Signals.EntityFrameworkCore;

/// <summary>The stored value of one value signal, written by the EF Core <see cref="ISignalValueStore"/>.</summary>
/// <remarks>
/// Mapped by <c>modelBuilder.AddSignalsOutbox()</c> to <c>signals_values</c> (columns <c>key</c>, <c>value</c> — <c>jsonb</c> on
/// PostgreSQL, text elsewhere —, <c>hash</c>, <c>version</c>, <c>updated_at</c>). Every change of a row is written in the same
/// transaction as the outbox row that publishes it, whose id is <see cref="Version"/>.
/// </remarks>
public sealed class SignalValueEntry
{
    /// <summary>Gets or sets the canonical key.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>Gets or sets the value as JSON text.</summary>
    public string Value { get; set; } = "null";

    /// <summary>Gets or sets <see cref="SignalValueHash"/> of the value.</summary>
    public string Hash { get; set; } = string.Empty;

    /// <summary>Gets or sets the version the value was stored at: the id of the outbox row written with it.</summary>
    public long Version { get; set; }

    /// <summary>Gets or sets when the value was stored.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
