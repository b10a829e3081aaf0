using System.Text.Json;

namespace Signals.Client;

/// <summary>
/// Reads signals from a Signals server: over HTTP (sync, Server-Sent Events, values) from another process, or in-process from the hub
/// when the app hosts Signals itself (embedded mode). Generated typed accessors (<c>client.ChatMessage().Room("general")</c>) are
/// extension methods over this interface.
/// </summary>
public interface ISignalsClient
{
    /// <summary>Compares known versions with the server's and returns the keys that differ.</summary>
    /// <param name="known">The versions the caller knows, per key (0 for "never seen").</param>
    /// <param name="wait">How long the server may hold the request until one of the keys changes (long-poll); <see cref="TimeSpan.Zero"/> answers at once. At most 24 hours (servers cap it lower).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The current state of every key whose version differs from the known one.</returns>
    ValueTask<IReadOnlyList<SignalVersion>> SyncAsync(IReadOnlyDictionary<SignalKey, long> known, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches keys: yields the current version of every key first (version 0, <see cref="SignalVersion.Initial(SignalKey)"/>, for a key
    /// that never changed), then every change, never a version at or below one already yielded for the same key; reconnects and resumes
    /// on its own until <paramref name="cancellationToken"/> is canceled.
    /// </summary>
    /// <remarks>
    /// The start is the JavaScript client's <c>watch</c>: a caller can load everything it shows from the versions this yields, also for
    /// keys that have not changed yet.
    /// </remarks>
    /// <param name="keys">The keys to watch.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The versions, as they arrive.</returns>
    IAsyncEnumerable<SignalVersion> WatchAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default);

    /// <summary>Reads a value signal's value.</summary>
    /// <param name="key">The value signal's key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The value and its version, or <see langword="null"/> when nothing is stored.</returns>
    ValueTask<SignalValue<JsonElement>?> GetValueAsync(SignalKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores a value signal's value (over HTTP, <c>PUT {prefix}/values/{key}</c>, which the server maps with <c>MapSignalValueWrites()</c>).</summary>
    /// <param name="key">The value signal's key.</param>
    /// <param name="value">The value, as JSON.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored value and its version (unchanged when the value equals the stored one).</returns>
    ValueTask<SignalValue<JsonElement>> SetValueAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a value signal's value only if the key is still at <paramref name="expectedVersion"/> (compare-and-set; over HTTP a
    /// <c>PUT</c> with <c>If-Match: "&lt;version&gt;"</c>, answered 412 when the key moved on). Functional updates
    /// (<see cref="SignalValueReference{T}.UpdateAsync"/>) are built on it.
    /// </summary>
    /// <param name="key">The value signal's key.</param>
    /// <param name="value">The value, as JSON.</param>
    /// <param name="expectedVersion">The version the caller read; <c>0</c> for "only if nothing is stored".</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored value and its version, or <see langword="null"/> when the key is not at <paramref name="expectedVersion"/> (nothing was written).</returns>
    ValueTask<SignalValue<JsonElement>?> TrySetValueAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default);
}
