namespace Signals;

/// <content>Subscriptions: subscribing and unsubscribing, the watchers of each key (<see cref="WatchersChanged"/>), and long-poll waits.</content>
public sealed partial class SignalHub
{
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

    /// <summary>Subscribes to changes of a set of keys.</summary>
    /// <param name="keys">The keys to watch; duplicates are ignored.</param>
    /// <param name="after">
    /// A cursor the subscriber has already seen everything up to (e.g. an SSE <c>Last-Event-ID</c>): the subscription starts with the
    /// current state of every key whose version is greater than it, and never yields a version at or below it, even one this instance
    /// learns of later (keys of namespaces mapped to a store of their own excepted: their versions are on a line of their own, and they start with their
    /// current state). <c>0</c> (the default) starts with every key that has ever changed; <see cref="long.MaxValue"/> yields nothing.
    /// </param>
    /// <returns>The subscription; dispose it to stop watching.</returns>
    /// <remarks>
    /// A watched key is pinned in the hub. The version of a key the hub did not hold is read from the database behind it, in the
    /// background, and arrives as the subscription's first change of that key; <see cref="SubscribeAsync"/> waits for that read.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty, holds a default key, or holds more than <see cref="SignalsOptions.MaxKeysPerSubscription"/> keys.</exception>
    public SignalSubscription Subscribe(IEnumerable<SignalKey> keys, long after = 0)
    {
        SignalSubscription subscription = SubscribeCore(keys, after, out List<KeyEntry>? cold);
        if (cold is not null)
        {
            // Observed here: a failed read leaves the keys unread, and the next use of them reads again.
            _ = EnsureLoadedAsync(cold).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }

        return subscription;
    }

    private SignalSubscription SubscribeCore(IEnumerable<SignalKey> keys, long after, out List<KeyEntry>? cold)
    {
        cold = null;
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
                KeyEntry entry = GetOrAddEntry(key);
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

                    if (!entry.Loaded && IsCaching)
                    {
                        (cold ??= []).Add(entry);
                    }

                    if (entry.Loaded && entry.Current.Version > 0 && subscription.Takes(entry.Current))
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
        if (await DiffersAsync(known, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        if (_source is { PublishesChanges: false } stateless)
        {
            return await PollForChangeAsync(known, stateless.PollInterval, timeout, cancellationToken).ConfigureAwait(false);
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
        List<KeyEntry>? queued = null;
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

                if (entry.SubscriberCount > 0 || entry.Removed)
                {
                    continue;
                }

                // A key that never changed and nobody watches is forgotten, so clients cannot grow the hub with made-up keys; with a
                // database behind the hub, one whose version was never read, or any in stateless serving (nothing is kept).
                // An instance-local key is never read back from anywhere: it is kept once it changed, like a key of a hub without a database.
                bool local = IsLocal(key);
                if (local ? entry.Current.Version == 0 : IsCaching ? !entry.Loaded && entry.Loading is null : _source is not null || entry.Current.Version == 0)
                {
                    entry.Removed = true;
                    _entries.TryRemove(new KeyValuePair<SignalKey, KeyEntry>(key, entry));
                }
                else if (IsCaching && entry.Loaded && !local && TryQueue(entry))
                {
                    (queued ??= []).Add(entry);
                }
            }
        }

        AddToClock(queued);

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
}
