using System.Text.Json;

namespace Signals;

/// <summary>
/// An <see cref="ISignalStore"/> and <see cref="ISignalValueStore"/> that keeps versions and values only in this process: versions come
/// from one counter that continues from the hub's <see cref="SignalHub.Cursor"/>. Suited to a single instance without a database, and
/// to tests.
/// </summary>
/// <remarks>
/// The store of a namespace mapped with <c>MapNamespace(name, ns =&gt; ns.UseInMemory())</c> is another instance of it, whose versions
/// are on the instance-local line (microseconds of the wall clock, never moving <see cref="SignalHub.Cursor"/>).
/// </remarks>
public sealed class InMemorySignalStore : ISignalStore, ISignalValueStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SignalKey, SignalValue<JsonElement>> _values = [];
    private readonly SignalHub _hub;
    private readonly TimeProvider _timeProvider;
    private readonly SignalNamespaces? _localVersions;
    private long _lastVersion;

    /// <summary>Initializes a new instance whose versions continue from the hub's <see cref="SignalHub.Cursor"/>.</summary>
    /// <param name="hub">The hub to publish to.</param>
    /// <param name="timeProvider">The clock for <see cref="SignalVersion.UpdatedAt"/>.</param>
    public InMemorySignalStore(SignalHub hub, TimeProvider timeProvider)
        : this(hub, timeProvider, localVersions: null)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="hub">The hub to publish to.</param>
    /// <param name="timeProvider">The clock for <see cref="SignalVersion.UpdatedAt"/> (and for local versions).</param>
    /// <param name="localVersions">Draws instance-local versions (the store of in-memory namespaces); <see langword="null"/>: versions continue from the hub's cursor.</param>
    internal InMemorySignalStore(SignalHub hub, TimeProvider timeProvider, SignalNamespaces? localVersions)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _hub = hub;
        _timeProvider = timeProvider;
        _localVersions = localVersions;
    }

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
            DateTimeOffset now = _timeProvider.GetUtcNow();
            for (int i = 0; i < all.Length; i++)
            {
                versions[i] = new SignalVersion(all[i], NextVersion(now), _values.GetValueOrDefault(all[i])?.State.Hash, now);
            }

            _hub.Publish(versions);
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
        => DeleteCoreAsync(key, expectedVersion: null);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<bool> TryDeleteAsync(SignalKey key, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        return DeleteCoreAsync(key, expectedVersion);
    }

    private ValueTask<bool> DeleteCoreAsync(SignalKey key, long? expectedVersion)
    {
        SignalKey.ThrowIfDefault(key);
        lock (_lock)
        {
            if (!_values.TryGetValue(key, out SignalValue<JsonElement>? stored) || (expectedVersion is { } expected && stored.Version != expected))
            {
                return ValueTask.FromResult(false);
            }

            _values.Remove(key);
            PublishWithComputed(key, hash: null);
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

        SignalVersion version = PublishWithComputed(key, hash);
        return _values[key] = new SignalValue<JsonElement>(version, value);
    }

    /// <summary>
    /// Publishes a value key's new version, followed by those of the computed keys it moves (under the lock), and returns the key's.
    /// </summary>
    private SignalVersion PublishWithComputed(SignalKey key, string? hash)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        var version = new SignalVersion(key, NextVersion(now), hash, now);
        SignalKey[] keys = SignalCatalog.Registered.WithComputedKeys([key]);
        _hub.Publish([version, .. keys.Skip(1).Select(computed => new SignalVersion(computed, NextVersion(now), _values.GetValueOrDefault(computed)?.State.Hash, now))]);
        return version;
    }

    /// <summary>The next version, under the lock: the local line's, or one above both the hub's cursor and the last drawn (not published yet).</summary>
    private long NextVersion(DateTimeOffset now)
        => _localVersions is { } local ? local.NextLocalVersion(now) : _lastVersion = Math.Max(_hub.Cursor, _lastVersion) + 1;
}
