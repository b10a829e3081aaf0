namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Computes the settled cursor of the PostgreSQL outbox: the highest id such that every id at or below it is either visible (and so
/// read) or will never commit. See INTERNALS.md ("Settled cursor") for the argument.
/// </summary>
/// <remarks>
/// <para>
/// Each read records <c>allocated</c>, the sequence's last value, and then <c>nextXid</c>, an upper bound of the transaction ids
/// assigned so far (read after it), and takes its snapshot. The outbox id default assigns the transaction id before it draws from
/// the sequence, so an id at or below <c>allocated</c> was drawn by a transaction whose id is below <c>nextXid</c>: it has ended
/// (its rows are visible, or gone), or it is still running. A running transaction is in the snapshot's in-progress list, or has an
/// id at or above the snapshot's xmax (PostgreSQL's xmax is the latest completed id plus one, not the next id). A transaction whose id
/// is at or above an earlier read's <c>nextXid</c> got it after that read, so its outbox ids are above that read's <c>allocated</c>.
/// The settled cursor is <c>allocated</c> bounded by that for every in-progress id and for xmax.
/// </para>
/// <para>Not thread-safe: one per read loop. Memory is bounded: observations older than the oldest running transaction are dropped,
/// and the rest is thinned (which only loosens the bounds) when it grows past <see cref="MaxHistory"/> entries.</para>
/// </remarks>
internal sealed class SettledCursorTracker
{
    /// <summary>The most observations kept.</summary>
    public const int MaxHistory = 4_096;

    private readonly List<(ulong NextXid, long Allocated)> _history = [];

    /// <summary>Gets how many observations are kept: at most <see cref="MaxHistory"/> plus one.</summary>
    public int HistoryCount => _history.Count;

    /// <summary>Gets the settled cursor (0 until one can be proven).</summary>
    public long Settled { get; private set; }

    /// <summary>Records one read and advances <see cref="Settled"/> when it can.</summary>
    /// <param name="allocated">The sequence's last value, read first.</param>
    /// <param name="nextXid">The next transaction id to be assigned, read after <paramref name="allocated"/>.</param>
    /// <param name="snapshot">The snapshot of the read, taken with or after <paramref name="nextXid"/>.</param>
    /// <returns>The settled cursor.</returns>
    public long Observe(long allocated, ulong nextXid, PostgresSnapshot snapshot)
    {
        Record(nextXid, allocated);
        long candidate = Math.Min(allocated, BoundOf(snapshot.Xmax));
        foreach (ulong running in snapshot.InProgress)
        {
            candidate = Math.Min(candidate, BoundOf(running));
        }

        // A transaction older than every observation (at start-up, or a long one) leaves nothing proven: the cursor stays, but the
        // history is still pruned, so it stays bounded however long that transaction runs.
        if (candidate >= 0)
        {
            Settled = Math.Max(Settled, candidate);
        }

        Prune(snapshot.Xmin);
        return Settled;
    }

    /// <summary>
    /// The highest outbox id a transaction with this id can hold below: the <c>allocated</c> of the latest observation whose nextXid is
    /// at or below it (the transaction got its id, and its outbox ids, after that observation); -1 when it is older than every one.
    /// </summary>
    private long BoundOf(ulong xid)
    {
        int index = LastAtOrBelow(xid);
        return index < 0 ? -1 : _history[index].Allocated;
    }

    /// <summary>The index of the latest observation whose nextXid is at or below <paramref name="xid"/> (the history is sorted by it), or -1.</summary>
    private int LastAtOrBelow(ulong xid)
    {
        int low = 0;
        int high = _history.Count - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            if (_history[middle].NextXid <= xid)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    private void Record(ulong nextXid, long allocated)
    {
        if (_history.Count > 0 && _history[^1].NextXid == nextXid)
        {
            _history[^1] = (nextXid, Math.Max(allocated, _history[^1].Allocated));
        }
        else
        {
            _history.Add((nextXid, allocated));
        }
    }

    private void Prune(ulong xmin)
    {
        // Every id looked up later is at or above this xmin: only the latest observation at or below it is still needed.
        int anchor = LastAtOrBelow(xmin);
        if (anchor > 0)
        {
            _history.RemoveRange(0, anchor);
        }

        if (_history.Count > MaxHistory)
        {
            // Keep the anchor and the newest; dropping others only makes bounds looser (still safe).
            for (int i = _history.Count - 2; i > 0; i -= 2)
            {
                _history.RemoveAt(i);
            }
        }
    }
}
