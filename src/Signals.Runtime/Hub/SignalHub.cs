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
    private long _cursor;

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

    /// <summary>Gets the highest version published so far: the hub's position in the global change feed.</summary>
    /// <remarks>Keys of namespaces mapped to a store of their own (<c>MapNamespace(name, ns =&gt; ns.UseInMemory())</c>, or a database of their own) are on a version line of their own and never move it.</remarks>
    public long Cursor => Volatile.Read(ref _cursor);

    /// <summary>Gets the current state of a key, reading it from the database behind the hub when the hub does not hold it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait (a read that other callers share goes on).</param>
    /// <returns>
    /// The key's latest version, or <see cref="SignalVersion.Initial(SignalKey)"/> (version 0) when it has never changed; completed
    /// at once, without allocating, when the hub holds the key.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled while the version was read.</exception>
    /// <remarks>
    /// A failed database read is thrown as it is (e.g. a <see cref="System.Data.Common.DbException"/>). To read many keys use
    /// <see cref="GetVersionsAsync"/> (one query for all the keys the hub does not hold); to look without ever reading the database
    /// use <see cref="TryGetHeldVersion"/>.
    /// </remarks>
    public ValueTask<SignalVersion> GetVersionAsync(SignalKey key, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        if (TryGetHeld(key, markUsed: true, out SignalVersion held))
        {
            return new ValueTask<SignalVersion>(held);
        }

        return ReadVersionAsync(key, cancellationToken);

        async ValueTask<SignalVersion> ReadVersionAsync(SignalKey key, CancellationToken cancellationToken)
            => (await GetVersionsAsync([key], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Gets the version the hub holds of a key, without reading the database behind it: never does I/O, never waits.</summary>
    /// <param name="key">The key.</param>
    /// <param name="version">The key's current version when the method returns <see langword="true"/>; otherwise default.</param>
    /// <returns>
    /// <see langword="true"/> when the hub knows the key's current version: always without a database behind it (a key that never
    /// changed is at <see cref="SignalVersion.Initial(SignalKey)"/>) and for a key of an instance-local namespace; with one, when the
    /// key is watched or cached and its version has been read. <see langword="false"/> for any other key, and for every other key in
    /// stateless serving (the hub holds nothing between requests): <see cref="GetVersionAsync"/> reads it.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    /// <remarks>A look does not count as a use for the cache's eviction (a key only looked at this way may be evicted first).</remarks>
    public bool TryGetHeldVersion(SignalKey key, out SignalVersion version)
    {
        SignalKey.ThrowIfDefault(key);
        return TryGetHeld(key, markUsed: false, out version);
    }

    /// <summary>See <see cref="TryGetHeldVersion"/>; <paramref name="markUsed"/> marks the entry as used for the cache's clock.</summary>
    private bool TryGetHeld(SignalKey key, bool markUsed, out SignalVersion version)
    {
        bool local = IsLocal(key);
        if (_entries.TryGetValue(key, out KeyEntry? entry) && entry.Loaded && !entry.Removed && (local || !IsStateless))
        {
            if (markUsed)
            {
                entry.Referenced = true;
            }

            version = entry.Current;
            return true;
        }

        if (_source is null || local)
        {
            version = SignalVersion.Initial(key);
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

    /// <summary>
    /// Gets whether a key's versions are on a line of their own (a namespace mapped to a store of its own: in memory, or a database of its
    /// own): they never move <see cref="Cursor"/>, <see cref="SettledCursor"/> or a resume cursor, never wait for catch-up, and a resumed
    /// subscription starts with the key's current state.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> for a key of a mapped namespace.</returns>
    internal bool IsOwnLine(SignalKey key) => _namespaces.IsOwnLine(key);

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

    /// <summary>Publishes one change; wakes its subscribers now, or adds them to <paramref name="woken"/> for the caller to wake.</summary>
    private bool Publish(SignalVersion version, List<SignalSubscription[]>? woken)
    {
        if (version.Key.IsDefault || version.Version < 1)
        {
            throw new ArgumentException("A published version needs a key and a version of at least 1.", nameof(version));
        }

        SignalSubscription[] subscribers;
        bool local = IsLocal(version.Key);
        bool ownLine = local || IsOwnLine(version.Key);
        while (true)
        {
            KeyEntry? entry;
            if (_source is not null && !local)
            {
                // A key the hub does not hold stays out: its next use reads the database, which has this change.
                if (!_entries.TryGetValue(version.Key, out entry))
                {
                    AdvanceCursor(version, ownLine);
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
                        AdvanceCursor(version, ownLine);
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
        AdvanceCursor(version, ownLine);
        return true;
    }

    /// <summary>Moves <see cref="Cursor"/> to a published version, unless the version is on a line of its own.</summary>
    private void AdvanceCursor(SignalVersion version, bool ownLine)
    {
        if (!ownLine)
        {
            _ = AdvanceMax(ref _cursor, version.Version);
        }
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
