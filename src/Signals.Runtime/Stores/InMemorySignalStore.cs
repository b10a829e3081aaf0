using System.Text.Json;

namespace Signals;

/// <summary>
/// An <see cref="ISignalStore"/> and <see cref="ISignalValueStore"/> that keeps versions and values only in this process: versions come
/// from one counter that continues from the hub's <see cref="SignalHub.Cursor"/>. Suited to a single instance without a database, and
/// to tests.
/// </summary>
/// <param name="hub">The hub to publish to.</param>
/// <param name="timeProvider">The clock for <see cref="SignalVersion.UpdatedAt"/>.</param>
public sealed class InMemorySignalStore(SignalHub hub, TimeProvider timeProvider) : ISignalStore, ISignalValueStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SignalKey, SignalValue<JsonElement>> _values = [];

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A key is <c>default(SignalKey)</c>.</exception>
    public ValueTask<IReadOnlyList<SignalVersion>> InvalidateAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
    {
        SignalKey[] distinct = SignalKey.DistinctOrThrow(keys, "invalidate");

        // The computed keys the given ones move come after them, in the same publication.
        SignalKey[] all = SignalCatalog.Registered.WithComputedKeys(distinct);
        var versions = new SignalVersion[all.Length];
        lock (_lock)
        {
            long cursor = hub.Cursor;
            DateTimeOffset now = timeProvider.GetUtcNow();
            for (int i = 0; i < all.Length; i++)
            {
                versions[i] = new SignalVersion(all[i], ++cursor, _values.GetValueOrDefault(all[i])?.State.Hash, now);
            }

            hub.Publish(versions);
        }

        return ValueTask.FromResult<IReadOnlyList<SignalVersion>>(all.Length == distinct.Length ? versions : versions[..distinct.Length]);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<SignalValue<JsonElement>?> GetAsync(SignalKey key, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        lock (_lock)
        {
            return ValueTask.FromResult(_values.GetValueOrDefault(key));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<SignalValue<JsonElement>> SetAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        lock (_lock)
        {
            return ValueTask.FromResult(Store(key, value.Clone()));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<SignalValue<JsonElement>?> TrySetAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        lock (_lock)
        {
            long stored = _values.TryGetValue(key, out SignalValue<JsonElement>? current) ? current.Version : 0;
            return ValueTask.FromResult(stored == expectedVersion ? Store(key, value.Clone()) : null);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<SignalValue<JsonElement>> IncrementAsync(SignalKey key, string propertyName, long delta, JsonElement defaultValue, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        ArgumentException.ThrowIfNullOrEmpty(propertyName);
        lock (_lock)
        {
            JsonElement current = _values.TryGetValue(key, out SignalValue<JsonElement>? stored) ? stored.Value : defaultValue;
            if (!SignalValueIncrement.TryApply(current, propertyName, delta, out JsonElement value))
            {
                throw new InvalidOperationException($"The value of '{key}' is not an object with an integer property '{propertyName}'.");
            }

            return ValueTask.FromResult(Store(key, value));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<bool> DeleteAsync(SignalKey key, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        lock (_lock)
        {
            if (!_values.Remove(key))
            {
                return ValueTask.FromResult(false);
            }

            PublishWithComputed(new SignalVersion(key, hub.Cursor + 1, null, timeProvider.GetUtcNow()));
            return ValueTask.FromResult(true);
        }
    }

    private SignalValue<JsonElement> Store(SignalKey key, JsonElement value)
    {
        string hash = SignalValueHash.Compute(value);
        if (_values.TryGetValue(key, out SignalValue<JsonElement>? stored) && stored.State.Hash == hash)
        {
            return stored;
        }

        var version = new SignalVersion(key, hub.Cursor + 1, hash, timeProvider.GetUtcNow());
        PublishWithComputed(version);
        return _values[key] = new SignalValue<JsonElement>(version, value);
    }

    /// <summary>Publishes a value key's new version, followed by those of the computed keys it moves (under the lock).</summary>
    private void PublishWithComputed(SignalVersion version)
    {
        SignalKey[] keys = SignalCatalog.Registered.WithComputedKeys([version.Key]);
        long cursor = version.Version;
        hub.Publish([version, .. keys.Skip(1).Select(key => new SignalVersion(key, ++cursor, _values.GetValueOrDefault(key)?.State.Hash, version.UpdatedAt))]);
    }
}
