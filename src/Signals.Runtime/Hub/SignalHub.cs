using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Signals;

/// <summary>
/// The in-process fan-out: the current version of every key this instance has seen, the subscribers of each key,
/// and long-poll waiters. Dispatchers <see cref="Publish(SignalVersion)"/> committed changes into it; endpoints read from it.
/// </summary>
/// <remarks>
/// <para>Thread-safe; one instance per app (registered as a singleton by <c>AddSignals()</c>).</para>
/// <para>Versions are monotonic per key: publishing a version at or below the key's current one changes nothing, so replays
/// after a reconnect and duplicates from several dispatch paths are harmless.</para>
/// </remarks>
public sealed partial class SignalHub
{
    private readonly ConcurrentDictionary<SignalKey, KeyEntry> _entries;
    private readonly ConcurrentDictionary<SignalKey, KeyEntry>.AlternateLookup<ReadOnlySpan<char>> _entriesByText;
    private readonly int _maxKeysPerSubscription;
    private long _cursor;

    /// <summary>Initializes a new instance with default options.</summary>
    public SignalHub()
        : this(Options.Create(new SignalsOptions()))
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The Signals options; <see cref="SignalsOptions.MaxKeysPerSubscription"/> bounds subscriptions.</param>
    public SignalHub(IOptions<SignalsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxKeysPerSubscription = options.Value.MaxKeysPerSubscription;
        _entries = new ConcurrentDictionary<SignalKey, KeyEntry>(SignalKeyComparer.Instance);
        _entriesByText = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Occurs when a key gains its first subscriber on this instance, or loses its last one.</summary>
    /// <remarks>
    /// <para>Lets a server-side producer do work only while someone watches (e.g. tick a clock signal while a page shows it). Every
    /// <see cref="SignalSubscription"/> counts: event streams, and sync long-polls while they wait (<see cref="WaitForChangeAsync"/>).</para>
    /// <para>Raised synchronously on the thread that subscribed or disposed, after the hub's state changed and outside its locks, so
    /// concurrent changes of one key may be reported in either order: treat the event as a hint and read <see cref="GetWatcherCount"/>
    /// for the current state. Handlers run inside <see cref="Subscribe"/> and <see cref="SignalSubscription.Dispose"/>: they must be quick
    /// and must not throw (hand the key to a channel and do the work elsewhere).</para>
    /// </remarks>
    public event EventHandler<SignalWatchersChangedEventArgs>? WatchersChanged;

    /// <summary>Gets the highest version published so far: the hub's position in the global change feed.</summary>
    public long Cursor => Volatile.Read(ref _cursor);

    /// <summary>Gets how many subscriptions on this instance watch a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The number of live subscriptions that include <paramref name="key"/>; 0 when nobody watches it.</returns>
    public int GetWatcherCount(SignalKey key)
    {
        if (!_entries.TryGetValue(key, out KeyEntry? entry))
        {
            return 0;
        }

        lock (entry)
        {
            return entry.SubscriberCount;
        }
    }

    /// <summary>Gets the current state of a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key's latest version, or <see cref="SignalVersion.Initial(SignalKey)"/> (version 0) when it has never changed.</returns>
    public SignalVersion GetVersion(SignalKey key)
        => _entries.TryGetValue(key, out KeyEntry? entry) ? entry.Current : SignalVersion.Initial(key);

    /// <summary>Finds a key this hub holds by its text, without making a string: a request can name a key the hub knows for free.</summary>
    /// <param name="text">The key's canonical text.</param>
    /// <param name="key">The key (valid: the hub holds only valid keys), or <c>default</c> when the hub does not hold it.</param>
    /// <returns><see langword="true"/> when the hub holds the key (it changed, or someone watches it).</returns>
    internal bool TryGetKey(ReadOnlySpan<char> text, out SignalKey key) => _entriesByText.TryGetValue(text, out key, out _);

    /// <summary>Publishes one committed change.</summary>
    /// <param name="version">The key's new state; ignored unless newer than the key's current version.</param>
    /// <returns><see langword="true"/> when the version was newer and subscribers were told.</returns>
    /// <exception cref="ArgumentException"><paramref name="version"/> has a default key or a version below 1.</exception>
    internal bool Publish(SignalVersion version) => Publish(version, woken: null);

    /// <summary>Publishes a batch of committed changes, in order.</summary>
    /// <param name="versions">The changes.</param>
    /// <returns>How many were newer than the keys' current versions.</returns>
    internal int Publish(IEnumerable<SignalVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        int published = 0;
        foreach (SignalVersion version in versions)
        {
            published += Publish(version) ? 1 : 0;
        }

        return published;
    }

    /// <summary>
    /// Publishes a batch of committed changes, in order, then advances <see cref="SettledCursor"/> to <paramref name="settledCursor"/>,
    /// and only then wakes the subscribers: a subscriber that was waiting reads the batch as settled up to the cursor (its
    /// <see cref="SignalSubscription.ResumeCursor"/> reaches the versions), instead of racing the cursor's advance.
    /// </summary>
    /// <param name="versions">The changes.</param>
    /// <param name="settledCursor">The settled cursor after the batch (see <see cref="AdvanceSettledCursor"/>).</param>
    /// <returns>How many were newer than the keys' current versions.</returns>
    /// <exception cref="ArgumentException">A version has a default key or a version below 1 (those before it are published).</exception>
    internal int Publish(IEnumerable<SignalVersion> versions, long settledCursor)
    {
        ArgumentNullException.ThrowIfNull(versions);

        // The subscribers of each published version, as the key's shared subscriber array (never written again): nothing is allocated per subscriber.
        // One that did not take the version, or that appears under several versions, is woken anyway: a wake-up with nothing new is
        // harmless (its wait goes on).
        var woken = new List<SignalSubscription[]>();
        int published = 0;
        try
        {
            foreach (SignalVersion version in versions)
            {
                published += Publish(version, woken) ? 1 : 0;
            }

            AdvanceSettledCursor(settledCursor);
        }
        finally
        {
            foreach (SignalSubscription[] subscribers in woken)
            {
                foreach (SignalSubscription subscription in subscribers)
                {
                    subscription.Wake();
                }
            }
        }

        return published;
    }

    /// <summary>Subscribes to changes of a set of keys.</summary>
    /// <param name="keys">The keys to watch; duplicates are ignored.</param>
    /// <param name="after">
    /// A cursor the subscriber has already seen everything up to (e.g. an SSE <c>Last-Event-ID</c>): the subscription starts with the
    /// current state of every key whose version is greater than it, and never yields a version at or below it, even one this instance
    /// learns of later. <c>0</c> (the default) starts with every key that has ever changed; <see cref="long.MaxValue"/> yields nothing.
    /// </param>
    /// <returns>The subscription; dispose it to stop watching.</returns>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty, holds a default key, or holds more than <see cref="SignalsOptions.MaxKeysPerSubscription"/> keys.</exception>
    public SignalSubscription Subscribe(IEnumerable<SignalKey> keys, long after = 0)
    {
        SignalKey[] distinct = SignalKey.DistinctOrThrow(keys, "subscribe to");
        if (distinct.Length == 0)
        {
            throw new ArgumentException("A subscription needs at least one key.", nameof(keys));
        }

        if (distinct.Length > _maxKeysPerSubscription)
        {
            throw new ArgumentException($"A subscription may watch at most {_maxKeysPerSubscription} keys; {distinct.Length} were given.", nameof(keys));
        }

        var subscription = new SignalSubscription(this, distinct, after);
        List<SignalKey>? firstWatched = null;
        foreach (SignalKey key in distinct)
        {
            while (true)
            {
                KeyEntry entry = _entries.GetOrAdd(key, static k => new KeyEntry(k));
                lock (entry)
                {
                    if (entry.Removed)
                    {
                        continue;
                    }

                    entry.AddSubscriber(subscription);
                    if (entry.SubscriberCount == 1)
                    {
                        (firstWatched ??= []).Add(key);
                    }

                    if (entry.Current.Version > after)
                    {
                        subscription.Enqueue(entry.Current);
                        subscription.Wake();
                    }

                    break;
                }
            }
        }

        RaiseWatchersChanged(firstWatched, isWatched: true);
        return subscription;
    }

    /// <summary>Waits until the server version of any key differs from the version a client knows, or the timeout elapses.</summary>
    /// <param name="known">The versions the client knows, per key (0 for "never seen").</param>
    /// <param name="timeout">How long to wait at most; <see cref="TimeSpan.Zero"/> only checks.</param>
    /// <param name="cancellationToken">Cancels the wait (e.g. the request was aborted).</param>
    /// <returns><see langword="true"/> when a key differs; <see langword="false"/> when the timeout elapsed first.</returns>
    /// <exception cref="ArgumentException"><paramref name="known"/> is empty or too large (see <see cref="Subscribe"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async ValueTask<bool> WaitForChangeAsync(IReadOnlyDictionary<SignalKey, long> known, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(known);
        using SignalSubscription subscription = Subscribe(known.Keys);
        if (known.Any(pair => GetVersion(pair.Key).Version != pair.Value))
        {
            return true;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            while (await subscription.WaitToReadAsync(timeoutSource.Token).ConfigureAwait(false))
            {
                while (subscription.TryRead(out SignalVersion version))
                {
                    if (version.Version != known[version.Key])
                    {
                        return true;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout elapsed: nothing changed.
        }

        return false;
    }

    internal void Unsubscribe(SignalSubscription subscription)
    {
        List<SignalKey>? lastGone = null;
        foreach (SignalKey key in subscription.Keys)
        {
            if (!_entries.TryGetValue(key, out KeyEntry? entry))
            {
                continue;
            }

            lock (entry)
            {
                if (entry.RemoveSubscriber(subscription) && entry.SubscriberCount == 0)
                {
                    (lastGone ??= []).Add(key);
                }

                // A key that never changed and nobody watches is forgotten, so clients cannot grow the hub with made-up keys.
                if (entry.SubscriberCount == 0 && entry.Current.Version == 0)
                {
                    entry.Removed = true;
                    _entries.TryRemove(new KeyValuePair<SignalKey, KeyEntry>(key, entry));
                }
            }
        }

        RaiseWatchersChanged(lastGone, isWatched: false);
    }

    private void RaiseWatchersChanged(List<SignalKey>? keys, bool isWatched)
    {
        if (keys is null || WatchersChanged is not { } handler)
        {
            return;
        }

        foreach (SignalKey key in keys)
        {
            handler(this, new SignalWatchersChangedEventArgs(key, isWatched));
        }
    }

    /// <summary>Publishes one change; wakes its subscribers now, or adds them to <paramref name="woken"/> for the caller to wake.</summary>
    private bool Publish(SignalVersion version, List<SignalSubscription[]>? woken)
    {
        if (version.Key.IsDefault || version.Version < 1)
        {
            throw new ArgumentException("A published version needs a key and a version of at least 1.", nameof(version));
        }

        SignalSubscription[] subscribers;
        while (true)
        {
            KeyEntry entry = _entries.GetOrAdd(version.Key, static key => new KeyEntry(key));
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue;
                }

                if (version.Version <= entry.Current.Version)
                {
                    return false;
                }

                entry.Current = version;
                subscribers = entry.ShareSubscribers();
                break;
            }
        }

        foreach (SignalSubscription subscriber in subscribers)
        {
            if (subscriber.Enqueue(version) && woken is null)
            {
                subscriber.Wake();
            }
        }

        if (woken is not null && subscribers.Length > 0)
        {
            woken.Add(subscribers);
        }

        // After the subscribers have it: a reader that sees the cursor (or SettledCursor, which follows it) has the change pending.
        _ = AdvanceMax(ref _cursor, version.Version);
        return true;
    }

    /// <returns><see langword="true"/> when <paramref name="value"/> moved the location forward.</returns>
    private static bool AdvanceMax(ref long location, long value)
    {
        long current = Volatile.Read(ref location);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }
}
