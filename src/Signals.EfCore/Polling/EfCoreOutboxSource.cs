using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Reads the outbox through EF Core LINQ, so it works on any provider: the polling dispatcher of providers other than PostgreSQL.
/// </summary>
/// <remarks>
/// <para>
/// It reads rows with an id above its position, in id order and in batches. A missing id below a row it read (a gap) is either a
/// transaction that has not committed yet or one that never will (a rollback, a failed save, a deleted row). What it does with a gap
/// depends on the database:
/// </para>
/// <list type="bullet">
/// <item><description>
/// Where writers commit concurrently (the neutral provider on a server database), the position stays below the oldest gap, and the
/// rows above it are read again, until the gap fills or has been open for <see cref="SignalsOutboxOptions.GapTimeout"/>. Then it is
/// skipped: a row whose transaction commits more than the timeout after a higher id was read is not delivered by this source (the key's
/// next change, or the start-up load of an instance, delivers its state).
/// </description></item>
/// <item><description>
/// Where writers take turns and ids are drawn inside the writer's turn (SQLite: one writer at a time, <c>AUTOINCREMENT</c> ids), a gap
/// below a row the read sees can never fill: the transaction that drew the missing id ended before the one that drew the visible id
/// began writing, so in the read's snapshot it is committed (and read) or gone for good. The source is then created with a gap timeout
/// of zero (<see cref="GapsNeverFill"/>): nothing is waited for, nothing that can still commit is skipped.
/// </description></item>
/// </list>
/// <para>Rows above the oldest gap are read again until it fills or expires; only the rows that fill a gap, and those above the highest id
/// read so far, are returned, so each row is returned once.</para>
/// <para>At start it reads from <see cref="SignalsOutboxOptions.BatchSize"/> ids below the newest, so gaps left by transactions in
/// flight at start-up are waited for like any other; it loads no key's state (the hub reads keys when they are asked for).</para>
/// </remarks>
internal sealed class EfCoreOutboxSource : IOutboxSource
{
    /// <summary>The gap timeout of a database whose writers take turns: a missing id below a visible one never fills (SQLite).</summary>
    public static readonly TimeSpan GapsNeverFill = TimeSpan.Zero;

    private readonly Func<CancellationToken, Task<ContextLease>> _leaseContextAsync;
    private readonly int _batchSize;
    private readonly TimeSpan _gapTimeout;
    private readonly TimeProvider _time;
    private List<Gap> _gaps = [];
    private long _position;
    private long _seenThrough;
    private bool _loaded;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="leaseContextAsync">Creates a context per read.</param>
    /// <param name="batchSize">The most rows per query (<see cref="SignalsOutboxOptions.BatchSize"/>).</param>
    /// <param name="gapTimeout">
    /// How long a missing id is waited for (<see cref="SignalsOutboxOptions.GapTimeout"/>); <see cref="GapsNeverFill"/> where writers take turns.
    /// </param>
    /// <param name="time">The clock that times gaps.</param>
    /// <param name="kind">The dispatcher kind reported to logs and the health check (see <see cref="IOutboxSource.Kind"/>).</param>
    public EfCoreOutboxSource(
        Func<CancellationToken, Task<ContextLease>> leaseContextAsync, int batchSize, TimeSpan gapTimeout, TimeProvider time, string kind = "polling")
    {
        Kind = kind;
        _leaseContextAsync = leaseContextAsync;
        _batchSize = batchSize;
        _gapTimeout = gapTimeout;
        _time = time;
    }

    /// <inheritdoc/>
    public string Kind { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads no key's state (the hub reads the keys it needs when they are asked for): only the highest compacted version (the resume
    /// floor) and the newest id, each by its index, so the time to start does not grow with the keys stored. The first read then returns the newest <see cref="SignalsOutboxOptions.BatchSize"/>
    /// rows, to find the gaps left by transactions in flight at start-up and the keys a late change can hide behind.
    /// </remarks>
    public async Task<OutboxProgress> LoadAsync(Action<OutboxRow> publish, CancellationToken cancellationToken)
    {
        long compacted;
        ContextLease lease = await _leaseContextAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            compacted = await lease.Context.Set<SignalStateEntry>().MaxAsync(s => (long?)s.Version, cancellationToken).ConfigureAwait(false) ?? 0;
            long newest = await lease.Context.Set<SignalOutboxEntry>().MaxAsync(e => (long?)e.Id, cancellationToken).ConfigureAwait(false) ?? 0;
            _position = Math.Max(0, newest - _batchSize);
            _seenThrough = _position;
            _loaded = true;
        }

        return await ReadChangesAsync(publish, cancellationToken).ConfigureAwait(false) with { CompactedThrough = compacted };
    }

    /// <inheritdoc/>
    public async Task<OutboxProgress> ReadChangesAsync(Action<OutboxRow> publish, CancellationToken cancellationToken)
    {
        if (!_loaded)
        {
            throw new InvalidOperationException("The outbox source has not loaded yet.");
        }

        DateTimeOffset now = _time.GetUtcNow();
        var gaps = new List<Gap>();
        long expected = _position + 1;
        long after = _position;
        List<OutboxRow> batch;
        do
        {
            ContextLease lease = await _leaseContextAsync(cancellationToken).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                batch = await lease.Context.Set<SignalOutboxEntry>()
                    .AsNoTracking()
                    .Where(e => e.Id > after)
                    .OrderBy(e => e.Id)
                    .Take(_batchSize)
                    .Select(e => new OutboxRow(
                        e.Id, e.Key, e.CreatedAt, e.Hash, e.ReannouncedId == null ? OutboxRowKind.Change : OutboxRowKind.Reannouncement))
                    .ToListAsync(cancellationToken)
                    .ConfigureAwait(false);
            }

            foreach (OutboxRow row in batch)
            {
                if (row.Id > expected)
                {
                    gaps.Add(new Gap(expected, row.Id - 1, FirstSeen(expected) ?? now));
                }

                expected = row.Id + 1;
                after = row.Id;
                if (row.Id > _seenThrough || FirstSeen(row.Id) is not null)
                {
                    publish(row);
                }
            }
        }
        while (batch.Count >= _batchSize);

        // Hold the position below the oldest gap that may still fill; remember expired gaps so they are not timed again.
        int open = gaps.FindIndex(g => now - g.FirstSeen < _gapTimeout);
        _position = open >= 0 ? gaps[open].Start - 1 : after;
        _seenThrough = Math.Max(_seenThrough, after);
        _gaps = gaps;
        return new OutboxProgress(_position, 0, after);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The oldest <paramref name="batchSize"/> rows by id are read, and those staged before <paramref name="cutoff"/> are compacted and
    /// deleted with one save, in a transaction on relational providers (on SQLite it holds the write lock from its start, so instances
    /// take turns). The cutoff is compared here, not in SQL: EF Core cannot translate a <see cref="DateTimeOffset"/> comparison on every
    /// provider (SQLite stores it as text), while ordering by id translates everywhere; the cost is reading up to a batch of rows per
    /// cleanup. Another instance deleting the same rows first (a concurrency failure of the save) means there is nothing to do: 0.
    /// </remarks>
    public async Task<int> CleanupAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        ContextLease lease = await _leaseContextAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            DbContext context = lease.Context;
            IDbContextTransaction? transaction = ContextFacts.Of(context).IsRelational
                ? await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
                : null;
            try
            {
                List<SignalOutboxEntry> oldest = await context.Set<SignalOutboxEntry>()
                    .OrderBy(e => e.Id)
                    .Take(batchSize)
                    .ToListAsync(cancellationToken)
                    .ConfigureAwait(false);
                SignalOutboxEntry[] doomed = [.. oldest.Where(e => e.CreatedAt < cutoff)];
                if (doomed.Length == 0)
                {
                    return 0;
                }

                SignalOutboxEntry[] latest = [.. doomed.GroupBy(e => e.Key).Select(g => g.MaxBy(e => e.Id)!)];
                string[] keys = [.. latest.Select(e => e.Key)];
                Dictionary<string, SignalStateEntry> states = await context.Set<SignalStateEntry>()
                    .Where(s => keys.Contains(s.Key))
                    .ToDictionaryAsync(s => s.Key, StringComparer.Ordinal, cancellationToken)
                    .ConfigureAwait(false);
                foreach (SignalOutboxEntry row in latest)
                {
                    if (!states.TryGetValue(row.Key, out SignalStateEntry? state))
                    {
                        context.Add(new SignalStateEntry { Key = row.Key, Version = row.Id, Hash = row.Hash, UpdatedAt = row.CreatedAt });
                    }
                    else if (state.Version < row.Id)
                    {
                        (state.Version, state.Hash, state.UpdatedAt) = (row.Id, row.Hash, row.CreatedAt);
                    }
                }

                // Compaction and deletion commit together.
                context.RemoveRange(doomed);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // Another instance deleted some of these rows first: it compacted them, nothing is lost.
                    return 0;
                }

                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return doomed.Length;
            }
            finally
            {
                if (transaction is not null)
                {
                    await transaction.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <inheritdoc/>
    public async Task<int> ReannounceAsync(IReadOnlyList<OutboxRow> lateChanges, CancellationToken cancellationToken)
    {
        ContextLease lease = await _leaseContextAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            SignalOutboxEntry[] rows = [.. lateChanges.Select(r => new SignalOutboxEntry { Key = r.Key, CreatedAt = r.CreatedAt, ReannouncedId = r.Id })];
            lease.Context.AddRange(rows);
            await lease.Context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return rows.Length;
        }
    }

    /// <inheritdoc/>
    public async Task<long> ReadCompactedThroughAsync(CancellationToken cancellationToken)
    {
        ContextLease lease = await _leaseContextAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            return await lease.Context.Set<SignalStateEntry>().MaxAsync(s => (long?)s.Version, cancellationToken).ConfigureAwait(false) ?? 0;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private DateTimeOffset? FirstSeen(long id)
    {
        int known = _gaps.FindIndex(g => g.Start <= id && id <= g.End);
        return known >= 0 ? _gaps[known].FirstSeen : null;
    }

    /// <summary>A run of missing ids.</summary>
    /// <param name="Start">The first missing id.</param>
    /// <param name="End">The last missing id.</param>
    /// <param name="FirstSeen">When the gap (or the one it shrank from) was first seen.</param>
    private readonly record struct Gap(long Start, long End, DateTimeOffset FirstSeen);
}
