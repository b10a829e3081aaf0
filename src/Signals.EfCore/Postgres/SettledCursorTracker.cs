namespace Signals.EntityFrameworkCore;

/// <summary>
/// Computes the settled cursor of the PostgreSQL outbox: the highest id such that every id at or below it is either visible (and so
/// read) or will never commit. See INTERNALS.md ("Settled cursor") for the argument.
/// </summary>
/// <remarks>
/// <para>
/// Each read records <c>allocated</c>, the sequence's last value read <em>before</em> the read's snapshot was taken, with that
/// snapshot. The outbox id default assigns the transaction id before it draws from the sequence (<c>CASE WHEN pg_current_xact_id()
/// IS NOT NULL THEN nextval(…) END</c>), so an id at or below <c>allocated</c> was drawn by a transaction that already had an id
/// below the snapshot's xmax: it had ended, or it is in the snapshot's in-progress list. A transaction in that list drew its ids after
/// its transaction id was assigned, so after the last earlier snapshot whose xmax was at or below that id: its ids are above that
/// snapshot's <c>allocated</c>. The settled cursor is the lowest of these bounds.
/// </para>
/// <para>Not thread-safe: one per read loop. Memory is bounded: history older than the oldest running transaction is dropped, and the
/// rest is thinned (which only loosens the bounds) when it grows past <see cref="MaxHistory"/> entries.</para>
/// </remarks>
internal sealed class SettledCursorTracker
{
    /// <summary>The most observations kept.</summary>
    public const int MaxHistory = 4_096;

    private readonly List<(ulong Xmax, long Allocated)> _history = [];

    /// <summary>Gets the settled cursor (0 until one can be proven).</summary>
    public long Settled { get; private set; }

    /// <summary>Records one read and advances <see cref="Settled"/> when it can.</summary>
    /// <param name="allocated">The sequence's last value, read before <paramref name="snapshot"/> was taken.</param>
    /// <param name="snapshot">The snapshot of the read.</param>
    /// <returns>The settled cursor.</returns>
    public long Observe(long allocated, PostgresSnapshot snapshot)
    {
        long candidate = allocated;
        foreach (ulong running in snapshot.InProgress)
        {
            long? bound = AllocatedBefore(running);
            if (bound is null)
            {
                // This transaction is older than anything observed: nothing bounds its ids yet.
                candidate = long.MinValue;
                break;
            }

            candidate = Math.Min(candidate, bound.Value);
        }

        Settled = Math.Max(Settled, candidate);
        Record(snapshot, allocated);
        return Settled;
    }

    /// <summary>Finds <c>allocated</c> of the latest observation taken before <paramref name="xid"/> was assigned.</summary>
    private long? AllocatedBefore(ulong xid)
    {
        for (int i = _history.Count - 1; i >= 0; i--)
        {
            if (_history[i].Xmax <= xid)
            {
                return _history[i].Allocated;
            }
        }

        return null;
    }

    private void Record(PostgresSnapshot snapshot, long allocated)
    {
        if (_history.Count > 0 && _history[^1].Xmax == snapshot.Xmax)
        {
            _history[^1] = (snapshot.Xmax, Math.Max(allocated, _history[^1].Allocated));
        }
        else
        {
            _history.Add((snapshot.Xmax, allocated));
        }

        // Every transaction still to be looked up has an id at or above xmin: only the latest observation at or below it is needed.
        int anchor = _history.FindLastIndex(h => h.Xmax <= snapshot.Xmin);
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
