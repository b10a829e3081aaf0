using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Signals;

/// <summary>
/// The in-process fan-out: the current versions of keys, the subscribers of each key, and long-poll waiters. Dispatchers
/// <see cref="Publish(SignalVersion)"/> committed changes into it; endpoints read from it.
/// </summary>
/// <remarks>
/// <para>Thread-safe; one instance per app (registered as a singleton by <c>AddSignals()</c>).</para>
/// <para>Without a database behind it (<c>AddSignals()</c> alone) it holds every key that changed. With one (the EF Core outbox) it
/// holds only the keys someone watches (pinned: the dispatcher keeps them current) and, up to <see cref="SignalHubOptions.MaxCachedKeys"/>,
/// keys asked for recently; it reads any other key's version from the database when asked (<see cref="GetVersionsAsync"/>: many
/// keys in one query), and a change of a key it does not hold changes nothing in it. In stateless serving (no dispatcher) it holds
/// nothing between requests.</para>
/// <para>Versions are monotonic per key: publishing a version at or below the key's current one changes nothing, so replays
/// after a reconnect and duplicates from several dispatch paths are harmless.</para>
/// </remarks>
public sealed partial class SignalHub
{
    private readonly ConcurrentDictionary<SignalKey, KeyEntry> _entries;
    private readonly ConcurrentDictionary<SignalKey, KeyEntry>.AlternateLookup<ReadOnlySpan<char>> _entriesByText;
    private readonly int _maxKeysPerSubscription;
    private readonly SignalNamespaces _namespaces;
    private readonly Lock _settledLock = new();
    private TaskCompletionSource? _settledAdvanced;
    private long _cursor;
    private long _resumeFloor;
    private long _settled;
    private int _settledTracked;

    /// <summary>Initializes a new instance with default options.</summary>
    public SignalHub()
        : this(Options.Create(new SignalsOptions()))
    {
    }

    /// <summary>Initializes a new instance that holds every key that changed (no database behind it).</summary>
    /// <param name="options">The Signals options; <see cref="SignalsOptions.MaxKeysPerSubscription"/> bounds subscriptions.</param>
    public SignalHub(IOptions<SignalsOptions> options)
        : this(options, Options.Create(new SignalHubOptions()), source: null, metrics: null)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The Signals options; <see cref="SignalsOptions.MaxKeysPerSubscription"/> bounds subscriptions.</param>
    /// <param name="hubOptions">The cache's bound, used when <paramref name="source"/> is given.</param>
    /// <param name="source">Where versions live when the hub does not hold them; <see langword="null"/>: the hub holds every key.</param>
    /// <param name="metrics">Records evictions and versions read; optional.</param>
    /// <param name="namespaces">The namespaces mapped to stores of their own; instance-local keys are held whatever <paramref name="source"/> is, on their own version line.</param>
    internal SignalHub(
        IOptions<SignalsOptions> options, IOptions<SignalHubOptions> hubOptions, ISignalVersionSource? source, SignalsMetrics? metrics, SignalNamespaces? namespaces = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hubOptions);
        _maxKeysPerSubscription = options.Value.MaxKeysPerSubscription;
        _maxCachedKeys = hubOptions.Value.MaxCachedKeys;
        _source = source;
        _metrics = metrics;
        _namespaces = namespaces ?? SignalNamespaces.None;
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
    /// <remarks>Keys of instance-local namespaces (<c>MapNamespace(name, ns =&gt; ns.UseInMemory())</c>) are on a version line of their own and never move it.</remarks>
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

    /// <summary>
    /// Gets the settled cursor: every change with a version at or below it that will ever be published has been published. A subscriber
    /// that read a change may resume from <c>min(version, SettledCursor)</c> without missing one (see <see cref="SignalSubscription.ResumeCursor"/>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Versions are outbox ids, assigned when a row is inserted, not when it commits: a change with a lower version can be published after
    /// one with a higher version (its transaction committed later). A client that resumed from the higher version would never see the
    /// lower one, so the cursor it resumes from must not pass a version that may still commit.
    /// </para>
    /// <para>
    /// It follows <see cref="Cursor"/> (every store that publishes in version order, such as <see cref="InMemorySignalStore"/>) until a
    /// dispatcher first calls <see cref="AdvanceSettledCursor"/>; from then on only that call moves it.
    /// </para>
    /// <para>
    /// Each instance's dispatcher moves its own hub's settled cursor at its own pace: a client that read a version on another instance
    /// should be answered here only once this cursor reaches it (<see cref="WaitForSettledAsync"/>).
    /// </para>
    /// </remarks>
    public long SettledCursor => Volatile.Read(ref _settledTracked) == 0 ? Cursor : Volatile.Read(ref _settled);

    /// <summary>Records that every version at or below <paramref name="cursor"/> that will ever be published has been published.</summary>
    /// <param name="cursor">The settled cursor; it never moves back. A dispatcher calls it with 0 before it publishes anything.</param>
    public void AdvanceSettledCursor(long cursor)
    {
        Volatile.Write(ref _settledTracked, 1);
        if (!AdvanceMax(ref _settled, cursor))
        {
            return;
        }

        // Under the lock, so a waiter that checked the cursor before this advance has its signal in place to be woken.
        TaskCompletionSource? waiters;
        lock (_settledLock)
        {
            waiters = _settledAdvanced;
            _settledAdvanced = null;
        }

        waiters?.TrySetResult();
    }

    /// <summary>
    /// Waits until <see cref="SettledCursor"/> reaches <paramref name="cursor"/>: until this instance has published every change at or
    /// below it that another instance (further ahead) may already have shown a client.
    /// </summary>
    /// <param name="cursor">The version to wait for, e.g. the highest version a resuming client has seen.</param>
    /// <param name="timeout">How long to wait at most; <see cref="Timeout.InfiniteTimeSpan"/> waits until canceled.</param>
    /// <param name="cancellationToken">Cancels the wait (e.g. the request was aborted).</param>
    /// <returns>
    /// <see langword="true"/> as soon as the settled cursor is at or above <paramref name="cursor"/>, or at once when no dispatcher tracks
    /// it (stores such as <see cref="InMemorySignalStore"/> publish in version order on one instance, and a restarted in-memory app starts
    /// its versions over, so it would never reach an older cursor); <see langword="false"/> when the timeout elapsed first.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large for a timer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async ValueTask<bool> WaitForSettledAsync(long cursor, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _settledTracked) == 0 || Volatile.Read(ref _settled) >= cursor)
        {
            return true;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            while (true)
            {
                Task advanced;
                lock (_settledLock)
                {
                    if (Volatile.Read(ref _settled) >= cursor)
                    {
                        return true;
                    }

                    // One signal for every waiter, created only while someone waits; AdvanceSettledCursor completes and drops it.
                    advanced = (_settledAdvanced ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }

                await advanced.WaitAsync(timeoutSource.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout elapsed first.
            return false;
        }
    }

    /// <summary>
    /// Gets the oldest cursor a subscriber can resume from without having missed a change that is no longer retained one by one:
    /// a resume cursor below it gets a full resync instead (the SSE stream sends <c>event: reset</c>). <c>0</c> while nothing was forgotten.
    /// </summary>
    /// <remarks>
    /// Dispatchers advance it when outbox retention compacts old changes (see <see cref="AdvanceResumeFloor"/>). The hub itself keeps
    /// every key's latest version, so a resync is always possible; the floor tells a resuming client that it cannot learn the changes
    /// between its cursor and the floor one by one.
    /// </remarks>
    public long ResumeFloor => Volatile.Read(ref _resumeFloor);

    /// <summary>Records that changes with versions at or below <paramref name="cursor"/> may no longer be retained one by one.</summary>
    /// <param name="cursor">The highest version that retention may have removed; the floor never moves back.</param>
    public void AdvanceResumeFloor(long cursor) => _ = AdvanceMax(ref _resumeFloor, cursor);

    /// <summary>Gets the current state of a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key's latest version, or <see cref="SignalVersion.Initial(SignalKey)"/> (version 0) when it has never changed.</returns>
    /// <remarks>
    /// A key the hub does not hold is read from the database behind it, if any, and the calling thread waits for that read: on request
    /// paths use <see cref="GetVersionsAsync"/>, which also reads many keys in one query.
    /// </remarks>
    public SignalVersion GetVersion(SignalKey key)
    {
        bool local = IsLocal(key);
        if (_entries.TryGetValue(key, out KeyEntry? entry) && entry.Loaded && (local || _source is not { PublishesChanges: false }))
        {
            entry.Referenced = true;
            return entry.Current;
        }

        return _source is null || local ? SignalVersion.Initial(key) : GetVersionsAsync([key]).AsTask().GetAwaiter().GetResult()[0];
    }

    /// <summary>Gets the version the hub holds of a key, without reading the database behind it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="version">The version held, or default.</param>
    /// <returns><see langword="true"/> when the hub holds the key's version.</returns>
    internal bool TryGetHeldVersion(SignalKey key, out SignalVersion version)
    {
        if (_entries.TryGetValue(key, out KeyEntry? entry) && entry.Loaded)
        {
            version = entry.Current;
            return true;
        }

        version = default;
        return false;
    }

    /// <summary>Finds a key this hub holds by its text, without making a string: a request can name a key the hub knows for free.</summary>
    /// <param name="text">The key's canonical text.</param>
    /// <param name="key">The key (valid: the hub holds only valid keys), or <c>default</c> when the hub does not hold it.</param>
    /// <returns><see langword="true"/> when the hub holds the key (it changed, or someone watches it).</returns>
    internal bool TryGetKey(ReadOnlySpan<char> text, out SignalKey key) => _entriesByText.TryGetValue(text, out key, out _);

    /// <summary>
    /// Gets whether a key is in an instance-local namespace: held here whatever the database holds, on a version line of its own that
    /// never moves <see cref="Cursor"/>, <see cref="SettledCursor"/> or a resume cursor, and never waits for catch-up.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> for a key of a namespace mapped with <c>UseInMemory()</c>.</returns>
    internal bool IsLocal(SignalKey key) => _namespaces.IsLocal(key);

    /// <summary>Publishes one committed change.</summary>
    /// <param name="version">The key's new state; ignored unless newer than the key's current version.</param>
    /// <returns><see langword="true"/> when the version was newer and subscribers were told.</returns>
    /// <exception cref="ArgumentException"><paramref name="version"/> has a default key or a version below 1.</exception>
    public bool Publish(SignalVersion version) => Publish(version, woken: null);

    /// <summary>Publishes a batch of committed changes, in order.</summary>
    /// <param name="versions">The changes.</param>
    /// <returns>How many were newer than the keys' current versions.</returns>
    public int Publish(IEnumerable<SignalVersion> versions)
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
    public int Publish(IEnumerable<SignalVersion> versions, long settledCursor)
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
    /// learns of later (keys of instance-local namespaces excepted: their versions are on a line of their own, and they start with their
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
        List<KeyEntry>? unwatched = null;
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
                else if (IsCaching && entry.Loaded && !local)
                {
                    (unwatched ??= []).Add(entry);
                }
            }
        }

        Admit(unwatched);

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
        bool local = IsLocal(version.Key);
        while (true)
        {
            KeyEntry? entry;
            if (_source is not null && !local)
            {
                // A key the hub does not hold stays out: its next use reads the database, which has this change.
                if (!_entries.TryGetValue(version.Key, out entry))
                {
                    _ = AdvanceMax(ref _cursor, version.Version);
                    return false;
                }
            }
            else
            {
                entry = GetOrAddEntry(version.Key);
            }

            lock (entry)
            {
                if (entry.Removed)
                {
                    if (_source is not null && !local)
                    {
                        _ = AdvanceMax(ref _cursor, version.Version);
                        return false;
                    }

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
        if (!local)
        {
            _ = AdvanceMax(ref _cursor, version.Version);
        }

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
