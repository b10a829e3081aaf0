using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>The value store's reads and writes on one provider, each in a transaction of its own on the given context.</summary>
internal interface IValueCommands
{
    /// <summary>Reads a key's value.</summary>
    /// <param name="context">A context of the store's own.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    Task<SignalValue<JsonElement>?> GetAsync(DbContext context, SignalKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a value unless it equals the stored one; a change writes an outbox row with the value's hash in the same transaction. With
    /// <paramref name="expectedVersion"/>, only if the stored version (0 when nothing is stored) is that version, checked in the same
    /// transaction as the write (see <see cref="ISignalValueStore.TrySetAsync"/>).
    /// </summary>
    /// <param name="context">A context of the store's own.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="expectedVersion">The version the key must be at, or <see langword="null"/> to store whatever it is at.</param>
    /// <param name="now">The timestamp of the change.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The outcome, or <see langword="null"/> when the key is not at <paramref name="expectedVersion"/> (nothing was written).</returns>
    Task<ValueWrite?> SetAsync(DbContext context, SignalKey key, JsonElement value, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Adds to an integer property atomically (see <see cref="ISignalValueStore.IncrementAsync"/>).</summary>
    /// <param name="context">A context of the store's own.</param>
    /// <param name="key">The key.</param>
    /// <param name="propertyName">The property.</param>
    /// <param name="delta">The amount.</param>
    /// <param name="defaultValue">The object to start from, already validated.</param>
    /// <param name="now">The timestamp of the change.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="InvalidOperationException">The stored value has no integer <paramref name="propertyName"/>; nothing changed.</exception>
    /// <exception cref="OverflowException">The sum does not fit in 64 bits; nothing changed.</exception>
    Task<ValueWrite> IncrementAsync(
        DbContext context, SignalKey key, string propertyName, long delta, JsonElement defaultValue, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a key's value; a deletion writes an outbox row (no hash) in the same transaction.</summary>
    /// <param name="context">A context of the store's own.</param>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">
    /// Deletes only if the stored row is at this version, compared in the delete's own transaction (as <see cref="SetAsync"/> does);
    /// <see langword="null"/>: whatever the version.
    /// </param>
    /// <param name="now">The timestamp of the change.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new version, or <see langword="null"/> when nothing was stored or it was at another version (nothing written).</returns>
    Task<SignalVersion?> DeleteAsync(DbContext context, SignalKey key, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);
}
