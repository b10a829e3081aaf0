using System.Text.Json;

namespace Signals;

/// <summary>
/// Stores value signals: a small JSON value per key, whose <see cref="SignalVersion.Hash"/> is a hash of the value, and whose version is
/// bumped (and published to every instance's hub) only when the stored value actually changes.
/// </summary>
/// <remarks>Typed accessors over this interface are <see cref="SignalValueStoreExtensions"/> and the code generated for <see cref="SignalValueAttribute"/> types.</remarks>
public interface ISignalValueStore
{
    /// <summary>Reads a key's stored value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value and its version, or <see langword="null"/> when nothing is stored (never set, or deleted).</returns>
    ValueTask<SignalValue<JsonElement>?> GetAsync(SignalKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores a value. Storing a value equal to the current one (same hash) changes nothing and bumps no version.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored value with its (possibly unchanged) version.</returns>
    ValueTask<SignalValue<JsonElement>> SetAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a value only if the key's stored value is still at <paramref name="expectedVersion"/> (compare-and-set on the version, the
    /// building block of optimistic concurrency: <see cref="SignalValueStoreExtensions.UpdateAsync{T}"/> and <c>If-Match</c> on
    /// <c>PUT {prefix}/values/{key}</c>). The comparison and the write are one atomic step in the store, on every instance.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="expectedVersion">
    /// The version the caller read (<see cref="SignalValue{T}.Version"/>); <c>0</c> means "only if nothing is stored" (never set, or deleted).
    /// </param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// The stored value with its new version (unchanged when the value equals the stored one), or <see langword="null"/> when the stored
    /// version is not <paramref name="expectedVersion"/>: another writer got there first, and nothing was written.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedVersion"/> is negative.</exception>
    ValueTask<SignalValue<JsonElement>?> TrySetAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="delta"/> to an integer property of the stored JSON object, atomically in the store (the database does the
    /// arithmetic, so concurrent increments from any number of instances never lose one).
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="propertyName">The JSON property name, as serialized (camelCase), of a 64-bit integer.</param>
    /// <param name="delta">The amount to add; may be negative.</param>
    /// <param name="defaultValue">The object to start from when nothing is stored.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new value and version.</returns>
    /// <exception cref="InvalidOperationException">The stored value is not an object whose <paramref name="propertyName"/> is an integer.</exception>
    /// <exception cref="OverflowException">The sum does not fit in a 64-bit integer; nothing is stored.</exception>
    ValueTask<SignalValue<JsonElement>> IncrementAsync(SignalKey key, string propertyName, long delta, JsonElement defaultValue, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key's value, so readers see the default again; bumps the version when a value was stored.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when a value was stored and is now deleted.</returns>
    ValueTask<bool> DeleteAsync(SignalKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a key's value only if it is still at <paramref name="expectedVersion"/> (compare-and-delete, the building block of
    /// <c>If-Match</c> on <c>DELETE {prefix}/values/{key}</c>); the comparison and the delete are one atomic step in the store.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">The version the caller read (<see cref="SignalValue{T}.Version"/>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// <see langword="true"/> when the value was at <paramref name="expectedVersion"/> and is now deleted (its version bumped);
    /// <see langword="false"/> when nothing is stored or the stored version is another one: nothing was written.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedVersion"/> is negative.</exception>
    ValueTask<bool> TryDeleteAsync(SignalKey key, long expectedVersion, CancellationToken cancellationToken = default);
}
