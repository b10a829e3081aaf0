using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Signals;

/// <summary>
/// Changes of a set of keys, as the <see cref="SignalHub"/> publishes them, coalesced per key.
/// </summary>
/// <remarks>
/// <para>Bounded whatever the write rate: at most one pending change per key is held, the latest. A slow reader therefore skips
/// intermediate versions but never the latest one, and never sees a key's version go backwards.</para>
/// <para>Pending changes are read in cursor order. One reader at a time; <see cref="Dispose"/> ends the subscription.</para>
/// </remarks>
public sealed class SignalSubscription : IDisposable
{
    private const int ReusedBatchLength = 16;

    private static readonly Comparer<SignalVersion> ByVersion = Comparer<SignalVersion>.Create(static (a, b) => a.Version.CompareTo(b.Version));

    private readonly SignalHub _hub;
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly long _after;

    // Created with the first change held: a subscription of keys that do not change (most of them, most of the time) holds none.
    private Changes? _changes;
    private SignalVersion[] _batch = [];
    private int _batchCount;
    private int _batchIndex;
    private long _batchSettled;
    private int _disposed;

    internal SignalSubscription(SignalHub hub, SignalKey[] keys, long after)
    {
        _hub = hub;
        _after = after;
        Keys = keys;
    }

    /// <summary>Gets the keys this subscription watches.</summary>
    public IReadOnlyList<SignalKey> Keys { get; }

    /// <summary>
    /// Gets the cursor to resume from after the change read last (e.g. the <c>C</c> of its SSE event id <c>C-H</c>): <c>min(version, settled)</c>, where settled is
    /// the hub's <see cref="SignalHub.SettledCursor"/> when the change was taken. A new subscription with this cursor as <c>after</c>
    /// misses no change: every change not read yet has a higher version. It never decreases; 0 before the first read.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Changes of keys on a version line of their own (namespaces mapped to a store of their own: <c>UseInMemory()</c>, or a database of
    /// their own) do not move it, and a subscription resumed from any cursor starts with those keys' current state.
    /// </para>
    /// <para>
    /// It equals the version read whenever nothing is in flight below it; while a transaction that may still commit a lower version is
    /// open, it stays below that version, and a subscription resumed from it may repeat changes the reader already has (never older ones).
    /// On another instance, whose settled cursor may lag, resume after <see cref="SignalHub.WaitForSettledAsync"/> with the highest
    /// version read, so that instance does not repeat an older version of a key than the one read.
    /// </para>
    /// </remarks>
    public long ResumeCursor { get; private set; }

    /// <summary>Waits until a change can be read.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when a change is pending; <see langword="false"/> when the subscription was disposed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        while (await WaitToWakeAsync(cancellationToken).ConfigureAwait(false))
        {
            if (HasPending())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Waits until a change may be pending: as <see cref="WaitToReadAsync"/>, except that it may also complete with
    /// <see langword="true"/> when nothing is (the wake-up of a change the reader took before it was woken), so the caller reads with
    /// <see cref="TryRead"/> and waits again when there is nothing. While it waits it holds no state of its own: an event stream waits
    /// in it, and a server holds thousands of those.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when a change may be pending; <see langword="false"/> when the subscription was disposed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    internal ValueTask<bool> WaitToWakeAsync(CancellationToken cancellationToken)
    {
        // A wake-up left by a change already read is dropped; a change that came meanwhile is seen by the second look.
        if (HasPending() || (_doorbell.Reader.TryRead(out _) && HasPending()))
        {
            return ValueTask.FromResult(true);
        }

        return _doorbell.Reader.WaitToReadAsync(cancellationToken);
    }

    /// <summary>Reads the next pending change, if any.</summary>
    /// <param name="version">The change, the latest of its key, in cursor order among the pending ones.</param>
    /// <returns><see langword="true"/> when a change was read.</returns>
    public bool TryRead(out SignalVersion version)
    {
        if (_batchIndex == _batchCount && !TakeBatch())
        {
            version = default;
            return false;
        }

        version = _batch[_batchIndex++];
        if (!_hub.IsOwnLine(version.Key))
        {
            ResumeCursor = Math.Max(ResumeCursor, Math.Min(version.Version, _batchSettled));
        }

        return true;
    }

    /// <summary>Reads changes until the subscription is disposed or <paramref name="cancellationToken"/> is canceled.</summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The changes, coalesced per key and in cursor order.</returns>
    public async IAsyncEnumerable<SignalVersion> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryRead(out SignalVersion version))
            {
                yield return version;
            }
        }
    }

    /// <summary>Stops watching; a pending or later wait returns <see langword="false"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _hub.Unsubscribe(this);
            _doorbell.Writer.TryComplete();
        }
    }

    /// <summary>Holds a change for the reader (the latest per key); the caller wakes the reader with <see cref="Wake"/>.</summary>
    /// <returns><see langword="true"/> when the change is pending now.</returns>
    internal bool Enqueue(SignalVersion version)
    {
        if (!Takes(version))
        {
            return false;
        }

        Changes changes = Volatile.Read(ref _changes) ?? Interlocked.CompareExchange(ref _changes, new Changes(), null) ?? _changes!;
        lock (changes)
        {
            if (changes.Delivered.TryGetValue(version.Key, out long delivered) && version.Version <= delivered)
            {
                return false;
            }

            if (changes.Pending.TryGetValue(version.Key, out SignalVersion pending) && version.Version <= pending.Version)
            {
                return false;
            }

            changes.Pending[version.Key] = version;
        }

        return true;
    }

    /// <summary>
    /// Gets whether the subscription yields <paramref name="version"/> at all: one above the cursor it started after, or any version of an
    /// key on a version line of its own (which the cursor does not cover: a resumed subscription starts with their current state).
    /// </summary>
    internal bool Takes(SignalVersion version) => version.Version > _after || _hub.IsOwnLine(version.Key);

    /// <summary>Wakes a reader waiting in <see cref="WaitToReadAsync"/>.</summary>
    internal void Wake() => _doorbell.Writer.TryWrite(true);

    private bool HasPending()
    {
        if (_batchIndex < _batchCount)
        {
            return true;
        }

        if (Volatile.Read(ref _changes) is not { } changes)
        {
            return false;
        }

        lock (changes)
        {
            return changes.Pending.Count > 0;
        }
    }

    private bool TakeBatch()
    {
        // Read before the batch is taken: every version at or below it was published, so it is in this batch or read before.
        long settled = _hub.SettledCursor;
        if (Volatile.Read(ref _changes) is not { } changes)
        {
            return false;
        }

        lock (changes)
        {
            int count = changes.Pending.Count;
            if (count == 0)
            {
                return false;
            }

            // The last batch's array is reused while it fits and is small: no allocation per change read, and a burst on many
            // keys does not keep a large array alive.
            if (count > _batch.Length || _batch.Length > Math.Max(count, ReusedBatchLength))
            {
                _batch = new SignalVersion[count];
            }

            changes.Pending.Values.CopyTo(_batch, 0);
            changes.Pending.Clear();
            for (int i = 0; i < count; i++)
            {
                changes.Delivered[_batch[i].Key] = _batch[i].Version;
            }

            _batchCount = count;
        }

        Array.Sort(_batch, 0, _batchCount, ByVersion);
        _batchIndex = 0;
        _batchSettled = settled;
        return true;
    }

    /// <summary>The changes held for the reader and the versions it read, per key; also the lock that guards both.</summary>
    private sealed class Changes
    {
        /// <summary>Gets the latest change of each key not read yet.</summary>
        public Dictionary<SignalKey, SignalVersion> Pending { get; } = [];

        /// <summary>Gets the version of each key read last, so that an older one arriving late is dropped.</summary>
        public Dictionary<SignalKey, long> Delivered { get; } = [];
    }
}
