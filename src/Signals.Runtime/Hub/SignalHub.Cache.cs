namespace Signals;

/// <summary>The hub's bounded cache of versions, when a database keeps them (see <see cref="SignalHubOptions.MaxCachedKeys"/>).</summary>
/// <remarks>
/// <para>
/// <b>Reading.</b> A key the hub does not hold gets an entry first (pinned while unread), and only then is its version read from the
/// database, many keys in one query. A change committed before the read's snapshot is in the read; one committed after it is
/// published by the dispatcher after the entry exists, so it reaches the entry. The entry keeps the higher of the two. So an entry
/// that has been read is at least the key's latest version for as long as the hub holds it, and a key the hub does not hold needs
/// nothing from the dispatcher: its change is in the database for the next read.
/// </para>
/// <para>
/// <b>Evicting.</b> Watched keys are pinned: a subscription keeps its keys' entries, and the dispatcher keeps them current. Every
/// other entry that has been read is in a clock (second chance, an approximation of least-recently-used): a use sets the entry's mark
/// without a lock, and when more than <see cref="SignalHubOptions.MaxCachedKeys"/> entries are in it, the hand clears marks and
/// evicts the first unmarked entry it meets. An entry starts unmarked, so keys asked for once (a scan) leave before keys asked for
/// again. An exact LRU would take a lock on every use, and a sync names up to a thousand keys.
/// </para>
/// <para>
/// <b>Locks.</b> A read of a key the hub holds takes no lock (see <see cref="KeyEntry"/>: the version is read whole, after the
/// entry's loaded mark). A cold read takes each entry's lock once to claim it for its query (an entry another read claimed is
/// joined without the lock) and once to apply the version read, which also admits the entry to the clock.
/// </para>
/// <para>
/// A key evicted between a client's two syncs is read from the database again at the second: its answer is the key's latest
/// committed version, never an older one than the first sync gave (that version is committed, so the read sees it or a newer one).
/// </para>
/// </remarks>
public sealed partial class SignalHub
{
    private readonly ISignalVersionSource? _source;
    private readonly SignalsMetrics? _metrics;
    private readonly int _maxCachedKeys;

    /// <summary>Gets how many keys the hub holds a version of (watched, cached, or being read); for diagnostics.</summary>
    public int HeldKeyCount => _entries.Count;

    /// <summary>
    /// Gets whether the hub serves stateless: no dispatcher publishes changes into it, so it holds nothing, every version is read from
    /// the database, and a long-poll reads again at an interval (event streams cannot be fed).
    /// </summary>
    internal bool IsStateless => _source is { PublishesChanges: false };

    /// <summary>Gets whether the hub holds only some keys, reading the others from a database a dispatcher publishes from.</summary>
    private bool IsCaching => _source is { PublishesChanges: true };

    /// <summary>Gets the current state of several keys, reading those the hub does not hold from the database behind it in one query.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the wait (a read that other callers share goes on).</param>
    /// <returns>The version of each key, index by index (<see cref="SignalVersion.Initial(SignalKey)"/> for a key that never changed).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>A failed database read is thrown as it is (e.g. a <see cref="System.Data.Common.DbException"/>); nothing is kept of it.</remarks>
    public async ValueTask<SignalVersion[]> GetVersionsAsync(IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var versions = new SignalVersion[keys.Count];
        if (_source is { PublishesChanges: false } stateless)
        {
            await ReadAllAsync(stateless, keys, versions, cancellationToken).ConfigureAwait(false);
            return versions;
        }

        List<(int Index, KeyEntry Entry)>? cold = null;
        for (int i = 0; i < keys.Count; i++)
        {
            SignalKey.ThrowIfDefault(keys[i]);
            if (_source is null || IsLocal(keys[i]))
            {
                versions[i] = _entries.TryGetValue(keys[i], out KeyEntry? held) ? held.Current : SignalVersion.Initial(keys[i]);
                continue;
            }

            // An entry evicted meanwhile no longer gets changes: take the one that replaces it.
            KeyEntry entry;
            do
            {
                entry = GetOrAddEntry(keys[i]);
            }
            while (entry.Removed);

            if (entry.Loaded)
            {
                entry.Referenced = true;
                versions[i] = entry.Current;
            }
            else
            {
                (cold ??= []).Add((i, entry));
            }
        }

        if (cold is not null)
        {
            await EnsureLoadedAsync([.. cold.Select(static c => c.Entry)]).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach ((int index, KeyEntry entry) in cold)
            {
                versions[index] = entry.Current;
            }
        }

        return versions;
    }

    /// <summary>
    /// Subscribes to changes of a set of keys (see <see cref="Subscribe"/>) and waits until the version of every key the hub did not hold
    /// has been read from the database behind it, so the subscription starts with the current state of every key.
    /// </summary>
    /// <param name="keys">The keys to watch; duplicates are ignored.</param>
    /// <param name="after">See <see cref="Subscribe"/>.</param>
    /// <param name="cancellationToken">Cancels the wait; the subscription is then disposed.</param>
    /// <returns>The subscription; dispose it to stop watching.</returns>
    /// <exception cref="ArgumentException">See <see cref="Subscribe"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// A failed database read is thrown as it is, and the subscription is disposed. It first reads the held keys of namespaces on
    /// databases of their own again, so they start with their current version whatever the cursor (which does not cover them).
    /// </remarks>
    public async ValueTask<SignalSubscription> SubscribeAsync(IEnumerable<SignalKey> keys, long after = 0, CancellationToken cancellationToken = default)
    {
        if (HasDatabaseLines)
        {
            keys = [.. keys];
            await RereadHeldDatabaseKeysAsync(keys, cancellationToken).ConfigureAwait(false);
        }

        SignalSubscription subscription = SubscribeCore(keys, after, out List<KeyEntry>? cold);
        if (cold is null)
        {
            return subscription;
        }

        try
        {
            await EnsureLoadedAsync(cold).WaitAsync(cancellationToken).ConfigureAwait(false);
            return subscription;
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }

    private KeyEntry GetOrAddEntry(SignalKey key)
        => _entries.GetOrAdd(key, static (k, loaded) => new KeyEntry(k, loaded), _source is null || IsLocal(key));

    /// <returns>Whether a key's current version differs from the known one.</returns>
    private async ValueTask<bool> DiffersAsync(IReadOnlyDictionary<SignalKey, long> known, CancellationToken cancellationToken)
    {
        SignalKey[] keys = [.. known.Keys];
        SignalVersion[] current = await GetVersionsAsync(keys, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < keys.Length; i++)
        {
            if (current[i].Version != known[keys[i]])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The long-poll of stateless serving: reads the versions again every <paramref name="interval"/> until one differs.</summary>
    private async ValueTask<bool> PollForChangeAsync(
        IReadOnlyDictionary<SignalKey, long> known, TimeSpan interval, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            while (true)
            {
                await Task.Delay(interval, timeoutSource.Token).ConfigureAwait(false);
                if (await DiffersAsync(known, timeoutSource.Token).ConfigureAwait(false))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout elapsed: nothing changed.
            return false;
        }
    }

    private async Task ReadAllAsync(ISignalVersionSource source, IReadOnlyList<SignalKey> keys, SignalVersion[] versions, CancellationToken cancellationToken)
    {
        var read = new Dictionary<SignalKey, SignalVersion>(keys.Count, SignalKeyComparer.Instance);
        SignalKey[] distinct = [.. keys.Distinct(SignalKeyComparer.Instance).Where(k => !IsLocal(k))];
        if (distinct.Length > 0)
        {
            foreach (SignalVersion version in await source.ReadVersionsAsync(distinct, cancellationToken).ConfigureAwait(false))
            {
                read[version.Key] = version;
            }

            _metrics?.RecordVersionReads(distinct.Length);
        }

        for (int i = 0; i < keys.Count; i++)
        {
            versions[i] = read.TryGetValue(keys[i], out SignalVersion version) ? version
                : IsLocal(keys[i]) && _entries.TryGetValue(keys[i], out KeyEntry? held) ? held.Current
                : SignalVersion.Initial(keys[i]);
        }
    }

    /// <summary>
    /// Reads the versions of the entries nobody is reading yet in one query, and waits for those others are reading. Not canceled by
    /// any one caller: other callers may wait for the same read.
    /// </summary>
    /// <exception cref="Exception">The read failed (the entries stay unread; the next use reads again).</exception>
    private async Task EnsureLoadedAsync(List<KeyEntry> entries)
    {
        List<KeyEntry>? claimed = null;
        List<Task>? others = null;
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (KeyEntry entry in entries)
        {
            // Without the lock first: an entry another caller loaded meanwhile needs nothing, and one it is loading is joined. Many
            // requests naming the same cold keys at once then meet only at the claim.
            if (LoadedOrJoined(entry))
            {
                continue;
            }

            lock (entry)
            {
                if (LoadedOrJoined(entry))
                {
                    continue;
                }

                entry.Loading = read.Task;
                (claimed ??= []).Add(entry);
            }
        }

        if (claimed is not null)
        {
            await LoadAsync(claimed, read).ConfigureAwait(false);
        }

        if (others is not null)
        {
            await Task.WhenAll(others).ConfigureAwait(false);
        }

        bool LoadedOrJoined(KeyEntry entry)
        {
            if (entry.Loaded)
            {
                return true;
            }

            if (entry.Loading is not { } loading)
            {
                return false;
            }

            if (loading != read.Task)
            {
                (others ??= []).Add(loading);
            }

            return true;
        }
    }

    private async Task LoadAsync(List<KeyEntry> claimed, TaskCompletionSource read)
    {
        IReadOnlyList<SignalVersion> versions;
        try
        {
            versions = await _source!.ReadVersionsAsync([.. claimed.Select(static e => e.Key)], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            foreach (KeyEntry entry in claimed)
            {
                lock (entry)
                {
                    entry.Loading = null;
                    if (entry.SubscriberCount == 0 && !entry.Removed)
                    {
                        entry.Removed = true;
                        _entries.TryRemove(new KeyValuePair<SignalKey, KeyEntry>(entry.Key, entry));
                    }
                }
            }

            read.SetException(exception);
            _ = read.Task.Exception;
            throw;
        }

        _metrics?.RecordVersionReads(claimed.Count);
        var byKey = new Dictionary<SignalKey, SignalVersion>(versions.Count, SignalKeyComparer.Instance);
        foreach (SignalVersion version in versions)
        {
            byKey[version.Key] = version;
        }

        List<KeyEntry>? queued = null;
        foreach (KeyEntry entry in claimed)
        {
            SignalSubscription[] subscribers = [];
            SignalVersion version;
            lock (entry)
            {
                if (byKey.TryGetValue(entry.Key, out SignalVersion fromDatabase) && fromDatabase.Version > entry.Current.Version)
                {
                    entry.Current = fromDatabase;
                }

                // Every subscriber gets the key's state now, also one that subscribed after a change was published into the entry
                // while it was read (a subscriber that has it already drops it).
                version = entry.Current;
                if (version.Version > 0)
                {
                    subscribers = entry.ShareSubscribers();
                }

                // Current before Loaded: a lock-free reader that sees the entry loaded reads this version (see KeyEntry).
                entry.Loaded = true;
                entry.Loading = null;
                if (TryQueue(entry))
                {
                    (queued ??= []).Add(entry);
                }
            }

            // The version read reaches the key's subscribers like a change: it is their initial state of the key.
            foreach (SignalSubscription subscriber in subscribers)
            {
                if (subscriber.Enqueue(version))
                {
                    subscriber.Wake();
                }
            }
        }

        read.SetResult();
        AddToClock(queued);
    }
}
