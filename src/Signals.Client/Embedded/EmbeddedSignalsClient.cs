using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Signals.Client;

/// <summary>
/// The <see cref="ISignalsClient"/> of an app that hosts Signals itself: answers from this process's <see cref="SignalHub"/> and
/// <see cref="ISignalValueStore"/>, with no HTTP (Blazor Server, background services, server-side rendering).
/// </summary>
/// <remarks>
/// <para><c>AddSignals()</c> registers it as the <see cref="ISignalsClient"/> unless one is registered already;
/// <c>AddSignalsClient(baseAddress)</c> replaces it with the HTTP <see cref="SignalsClient"/>, whichever is called first.
/// It stays resolvable as <see cref="EmbeddedSignalsClient"/> either way.</para>
/// <para>Behaves as the HTTP client does against this app: the hub holds every change the app's dispatcher published, so there is
/// nothing to reconnect; a watch is a hub subscription, which never yields a version at or below one already yielded for its key, preceded
/// by version 0 for each key that never changed, as over HTTP. Keys are checked against the app's <see cref="SignalCatalog"/> as the
/// endpoints check them: a key no declared signal produces (<c>shop:status:paid</c> where the enum member is <c>Paid</c>) throws
/// <see cref="ArgumentException"/> naming the expected form, where the HTTP client gets 400 <c>unknown-signal</c>, instead of a watch
/// that never fires.</para>
/// </remarks>
/// <param name="hub">The app's hub.</param>
/// <param name="values">The app's value store.</param>
/// <param name="catalog">The app's declared signals (<c>AddSignals()</c> registers it); an empty catalog accepts every well-formed key.</param>
public sealed class EmbeddedSignalsClient(SignalHub hub, ISignalValueStore values, SignalCatalog catalog) : ISignalsClient
{
    private readonly SignalHub _hub = hub ?? throw new ArgumentNullException(nameof(hub));
    private readonly ISignalValueStore _values = values ?? throw new ArgumentNullException(nameof(values));
    private readonly SignalCatalog _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));

    /// <summary>Initializes a client that accepts every well-formed key, as an app that declares no signals does.</summary>
    /// <param name="hub">The app's hub.</param>
    /// <param name="values">The app's value store.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hub"/> or <paramref name="values"/> is <see langword="null"/>.</exception>
    public EmbeddedSignalsClient(SignalHub hub, ISignalValueStore values)
        : this(hub, values, new SignalCatalog([]))
    {
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// A key is <c>default(SignalKey)</c> or not one the app declares, or there are more keys than
    /// <see cref="SignalsOptions.MaxKeysPerSubscription"/> while waiting.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A version or <paramref name="wait"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled while waiting.</exception>
    public async ValueTask<IReadOnlyList<SignalVersion>> SyncAsync(IReadOnlyDictionary<SignalKey, long> known, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ClientArguments.CheckSync(known, wait);
        CheckDeclared(known.Keys, nameof(known));
        List<SignalVersion> changed = await DiffAsync(known, cancellationToken).ConfigureAwait(false);
        if (changed.Count == 0 && wait > TimeSpan.Zero && known.Count > 0)
        {
            await _hub.WaitForChangeAsync(known, wait, cancellationToken).ConfigureAwait(false);
            changed = await DiffAsync(known, cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// <paramref name="keys"/> is empty, holds <c>default(SignalKey)</c> or a key the app does not declare (thrown here); more keys than
    /// <see cref="SignalsOptions.MaxKeysPerSubscription"/> (thrown when the enumeration starts and subscribes).
    /// </exception>
    public IAsyncEnumerable<SignalVersion> WatchAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
    {
        SignalKey[] distinct = ClientArguments.CheckWatch(keys);
        CheckDeclared(distinct, nameof(keys));
        return ReadAsync(_hub, distinct, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// <paramref name="key"/> is <c>default(SignalKey)</c>, not one the app declares, or declared but not as a value signal.
    /// </exception>
    public ValueTask<SignalValue<JsonElement>?> GetValueAsync(SignalKey key, CancellationToken cancellationToken = default)
    {
        _ = CheckValueSignal(key);
        return _values.GetAsync(key, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// <paramref name="key"/> is <c>default(SignalKey)</c>, not one the app declares, or declared but not as a value signal; or
    /// <paramref name="value"/> does not deserialize to the declared value type. Nothing is stored.
    /// </exception>
    public ValueTask<SignalValue<JsonElement>> SetValueAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default)
    {
        CheckValue(key, value);
        return _values.SetAsync(key, value, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// <paramref name="key"/> is <c>default(SignalKey)</c>, not one the app declares, or declared but not as a value signal; or
    /// <paramref name="value"/> does not deserialize to the declared value type. Nothing is stored.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedVersion"/> is negative.</exception>
    public ValueTask<SignalValue<JsonElement>?> TrySetValueAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default)
    {
        CheckValue(key, value);
        return _values.TrySetAsync(key, value, expectedVersion, cancellationToken);
    }

    /// <summary>Throws as the values endpoint refuses a write: a key that is not a declared value signal, a value not of its declared type.</summary>
    private void CheckValue(SignalKey key, JsonElement value)
    {
        if (CheckValueSignal(key)?.ValueType is { } valueType && !valueType.Accepts(value, out string? error))
        {
            throw new ArgumentException($"The value for '{key}' is not a {valueType}: {error} Nothing was stored.", nameof(value));
        }
    }

    /// <summary>Throws unless the catalog is empty or declares <paramref name="key"/> as a value signal.</summary>
    private SignalDescriptor? CheckValueSignal(SignalKey key)
    {
        SignalKey.ThrowIfDefault(key);
        SignalDescriptor? descriptor = CheckDeclared([key], nameof(key));
        if (descriptor is { Kind: not SignalKind.Value })
        {
            throw new ArgumentException(
                $"The key '{key}' belongs to '{descriptor.Pattern}', a {descriptor.Kind.ToString().ToLowerInvariant()} signal without a value; only value signals have values.",
                nameof(key));
        }

        return descriptor;
    }

    /// <summary>Throws unless the catalog is empty or a declared signal produces each key, as the endpoints check them.</summary>
    /// <returns>The declared signal of the last key, or <see langword="null"/> when the catalog is empty.</returns>
    private SignalDescriptor? CheckDeclared(IEnumerable<SignalKey> keys, string paramName)
    {
        SignalDescriptor? descriptor = null;
        foreach (SignalKey key in keys)
        {
            if (!_catalog.Accepts(key, out descriptor, out string? error))
            {
                throw new ArgumentException(
                    descriptor is null
                        ? $"The key '{key}' matches no signal this app declares (see SignalCatalog)."
                        : $"The key '{key}' is not one this app declares: {error}",
                    paramName);
            }
        }

        return descriptor;
    }

    private static async IAsyncEnumerable<SignalVersion> ReadAsync(SignalHub hub, SignalKey[] keys, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribe first, so a change after the keys' current state is read below is in the subscription. Then report every key's
        // current state in the caller's order, 0 for one that never changed (as the HTTP client's start-up sync does); the
        // subscription's own first reports repeat those and are dropped, as is anything at or below a version already yielded.
        using (SignalSubscription subscription = hub.Subscribe(keys))
        {
            var yielded = new Dictionary<SignalKey, long>(keys.Length);
            foreach (SignalVersion current in await hub.GetVersionsAsync(keys, cancellationToken).ConfigureAwait(false))
            {
                yielded[current.Key] = current.Version;
                yield return current;
            }

            await foreach (SignalVersion version in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (version.Version > yielded[version.Key])
                {
                    yielded[version.Key] = version.Version;
                    yield return version;
                }
            }
        }
    }

    private async ValueTask<List<SignalVersion>> DiffAsync(IReadOnlyDictionary<SignalKey, long> known, CancellationToken cancellationToken)
    {
        List<SignalVersion> changed = [];
        SignalKey[] keys = [.. known.Keys];
        SignalVersion[] current = await _hub.GetVersionsAsync(keys, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < keys.Length; i++)
        {
            if (current[i].Version != known[keys[i]])
            {
                changed.Add(current[i]);
            }
        }

        return changed;
    }
}
