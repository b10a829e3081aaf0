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
/// by version 0 for each key that never changed, as over HTTP.</para>
/// </remarks>
/// <param name="hub">The app's hub.</param>
/// <param name="values">The app's value store.</param>
public sealed class EmbeddedSignalsClient(SignalHub hub, ISignalValueStore values) : ISignalsClient
{
    private readonly SignalHub _hub = hub ?? throw new ArgumentNullException(nameof(hub));
    private readonly ISignalValueStore _values = values ?? throw new ArgumentNullException(nameof(values));

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A key is <c>default(SignalKey)</c>, or there are more keys than <see cref="SignalsOptions.MaxKeysPerSubscription"/> while waiting.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A version or <paramref name="wait"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled while waiting.</exception>
    public async ValueTask<IReadOnlyList<SignalVersion>> SyncAsync(IReadOnlyDictionary<SignalKey, long> known, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ClientArguments.CheckSync(known, wait);
        List<SignalVersion> changed = Diff(known);
        if (changed.Count == 0 && wait > TimeSpan.Zero && known.Count > 0)
        {
            await _hub.WaitForChangeAsync(known, wait, cancellationToken).ConfigureAwait(false);
            changed = Diff(known);
        }

        return changed;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// <paramref name="keys"/> is empty or holds <c>default(SignalKey)</c> (thrown here); more keys than
    /// <see cref="SignalsOptions.MaxKeysPerSubscription"/> (thrown when the enumeration starts and subscribes).
    /// </exception>
    public IAsyncEnumerable<SignalVersion> WatchAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
        => ReadAsync(_hub, ClientArguments.CheckWatch(keys), cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<SignalValue<JsonElement>?> GetValueAsync(SignalKey key, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        return _values.GetAsync(key, cancellationToken);
    }

    private static async IAsyncEnumerable<SignalVersion> ReadAsync(SignalHub hub, SignalKey[] keys, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribe first, so a change after the keys' current state is read below is in the subscription. Then report every key's
        // current state in the caller's order, 0 for one that never changed (as the HTTP client's start-up sync does); the
        // subscription's own first reports repeat those and are dropped, as is anything at or below a version already yielded.
        using (SignalSubscription subscription = hub.Subscribe(keys))
        {
            var yielded = new Dictionary<SignalKey, long>(keys.Length);
            foreach (SignalKey key in keys)
            {
                SignalVersion current = hub.GetVersion(key);
                yielded[key] = current.Version;
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

    private List<SignalVersion> Diff(IReadOnlyDictionary<SignalKey, long> known)
    {
        List<SignalVersion> changed = [];
        foreach ((SignalKey key, long version) in known)
        {
            SignalVersion current = _hub.GetVersion(key);
            if (current.Version != version)
            {
                changed.Add(current);
            }
        }

        return changed;
    }
}
