using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// What the EF Core writes of one transaction remember of the computed keys they moved: each key and the id of the outbox row written
/// for it. A later write of the same transaction skips a computed key only if that row <b>still exists in the database</b> (same id,
/// same key), so a computed key moves once per transaction on the providers that dedupe in memory (the neutral path: SQLite and the
/// polling provider) and never loses a move.
/// </summary>
/// <remarks>
/// <para>
/// The memory is keyed by the ADO.NET transaction EF Core knows (<c>Database.CurrentTransaction</c>'s <see cref="DbTransaction"/>) in
/// a <see cref="ConditionalWeakTable{TKey, TValue}"/>: contexts that share one <see cref="DbTransaction"/> through
/// <c>UseTransaction</c> share it, and it goes with the transaction object. Without a current EF Core transaction (no transaction, or
/// only a <c>TransactionScope</c>) a write is its own unit and nothing is remembered: the keys of one write are already a set.
/// </para>
/// <para>
/// A remembered row is a hint; the database decides. Every rollback that undid the row — EF Core's rollback of a failed save to its
/// savepoint, <c>RollbackToSavepoint</c>, a raw <c>ROLLBACK TO</c> — removed it, so the key is written again. The key must match as well
/// as the id, because SQLite hands the ids a rolled-back write drew to the next one (its <c>AUTOINCREMENT</c> counter is rolled back
/// with it). A row of this id and key that the look-up finds is this transaction's: ids are drawn once (an id of a committed row is never
/// drawn again), and SQLite lets one transaction write at a time. Rows are remembered only once the write that inserted them succeeded.
/// </para>
/// <para>
/// Nothing here runs unless the catalog declares a computed signal, an EF Core transaction is current, and a key of the write is
/// computed; the look-up runs only for keys the transaction remembers, one query per write. A transaction's writes run one at a time
/// (its connection runs one command at a time), so the memory takes no lock.
/// </para>
/// </remarks>
internal sealed class TransactionComputedKeys
{
    private static readonly ConditionalWeakTable<DbTransaction, TransactionComputedKeys> Transactions = new();

    private readonly Dictionary<string, long> _rows = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets the memory of the context's current EF Core transaction when a key of the write is a computed signal's; otherwise
    /// <see langword="null"/>: the catalog declares no computed signal, no EF Core transaction is current (or it has ended), or no key is
    /// computed.
    /// </summary>
    /// <param name="context">The writing context.</param>
    /// <param name="keys">The write's distinct keys.</param>
    /// <param name="computed">
    /// The write's keys that are computed signals', each classified once here (the catalog look-up), so the write passes to
    /// <see cref="Remember"/> only these; <see langword="null"/> when the method returns <see langword="null"/>.
    /// </param>
    /// <returns>The transaction's memory, or <see langword="null"/>.</returns>
    public static TransactionComputedKeys? Of(DbContext context, IEnumerable<SignalKey> keys, out HashSet<SignalKey>? computed)
    {
        computed = null;
        SignalCatalog catalog = SignalCatalog.Registered;
        if (!catalog.DeclaresComputed
            || context.Database.CurrentTransaction is not IInfrastructure<DbTransaction> { Instance: { Connection: not null } transaction })
        {
            return null;
        }

        foreach (SignalKey key in keys)
        {
            if (catalog.IsComputed(key))
            {
                (computed ??= []).Add(key);
            }
        }

        return computed is null ? null : Transactions.GetValue(transaction, static _ => new TransactionComputedKeys());
    }

    /// <summary>
    /// Returns the keys of a write without the computed keys this transaction already moved: those whose remembered row is still in the
    /// database, looked up in one query on the context's connection (in the transaction, so it sees its own rows). A remembered row that
    /// is gone (rolled back) is forgotten, and its key is kept.
    /// </summary>
    /// <param name="context">The writing context, in the transaction; its model maps the outbox.</param>
    /// <param name="keys">The write's distinct keys.</param>
    /// <param name="async">Whether to query asynchronously; <see langword="false"/> completes synchronously.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns><paramref name="keys"/> itself when nothing is skipped (no query when no key is remembered), otherwise the keys to write.</returns>
    public async ValueTask<IReadOnlyCollection<SignalKey>> WithoutMovedAsync(
        DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        List<long>? ids = null;
        foreach (SignalKey key in keys)
        {
            if (_rows.TryGetValue(key.Value, out long id))
            {
                (ids ??= []).Add(id);
            }
        }

        if (ids is null)
        {
            return keys;
        }

        IQueryable<SignalOutboxEntry> rows = context.Set<SignalOutboxEntry>().AsNoTracking().Where(e => ids.Contains(e.Id));
        var found = async
            ? await rows.Select(static e => new { e.Id, e.Key }).ToListAsync(cancellationToken).ConfigureAwait(false)
            : [.. rows.Select(static e => new { e.Id, e.Key })];

        var moved = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in found)
        {
            if (_rows.TryGetValue(row.Key, out long id) && id == row.Id)
            {
                moved.Add(row.Key);
            }
        }

        List<SignalKey> write = new(keys.Count);
        foreach (SignalKey key in keys)
        {
            if (!moved.Contains(key.Value))
            {
                // Gone (a rollback undid it) or never remembered: written again, and remembered again once that write succeeded.
                _rows.Remove(key.Value);
                write.Add(key);
            }
        }

        return write.Count == keys.Count ? keys : write;
    }

    /// <summary>Remembers the row a successful write of the transaction inserted for a computed key (one <see cref="Of"/> reported).</summary>
    /// <param name="key">The computed key the row records.</param>
    /// <param name="id">The row's id, as the database assigned it.</param>
    public void Remember(SignalKey key, long id) => _rows[key.Value] = id;
}
