using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Signals;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The seam between the provider-neutral core and a database provider package: how a save's outbox rows join the save, how a
/// dispatcher reads the outbox and wakes the other instances, and how the value store writes. One stateless instance per provider.
/// </summary>
/// <remarks>
/// <para>
/// One object serves both sides, so they cannot disagree. On the EF Core side the options extension that <c>UseSignals()</c> adds
/// calls <see cref="ApplyServices"/> from its own <c>ApplyServices</c>: the provider registers its <see cref="IOutboxAppender"/> (and
/// whatever else it needs, such as model conventions) in EF Core's internal service provider, where the interceptors get it by
/// constructor injection. On the application side the dispatcher calls <see cref="OpenReader"/> once at start, and the value store
/// calls <see cref="GetValueCommands"/>.
/// </para>
/// <para>
/// The core ships the neutral provider (<see cref="PollingOutboxProvider"/>: tracked rows, LINQ polling, LINQ values); a
/// provider package ships its own and selects it with <c>UseSignals(s =&gt; s.UseX())</c> on a context's options and
/// <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;().UseX()</c> in the application's services (which does the former for the
/// context type). No folder of the core constructs a provider's types.
/// </para>
/// </remarks>
internal abstract class OutboxProvider
{
    /// <summary>Gets the provider's name, for logs and the options extension's log fragment (e.g. <c>PostgreSQL</c>).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Adds the provider's services to EF Core's internal service provider: a scoped <see cref="IOutboxAppender"/> (registered also
    /// as an <see cref="Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor"/> when it intercepts commands), model conventions.
    /// </summary>
    /// <param name="services">The internal service collection being built.</param>
    public abstract void ApplyServices(IServiceCollection services);

    /// <summary>Opens what a dispatcher reads with and the ways it wakes other instances; called once per dispatcher start.</summary>
    /// <param name="context">A context of the dispatcher's type, for its connection and its model (disposed after the call).</param>
    /// <param name="settings">The dispatcher's settings and the things the reader reports to.</param>
    /// <returns>The reader; the dispatcher disposes its source when it stops.</returns>
    /// <exception cref="InvalidOperationException">The context does not fit the provider (another database, no connection string).</exception>
    public abstract OutboxReader OpenReader(DbContext context, OutboxReaderSettings settings);

    /// <summary>
    /// Gets the provider's change data capture triggers (<c>HasSignalCapture()</c>), or <see langword="null"/> when it writes none (the
    /// neutral provider: capture needs SQL of one database).
    /// </summary>
    public virtual CaptureDialect? Capture => null;

    /// <summary>
    /// Writes one outbox row per key now, on the context's connection and in its current or ambient transaction: <c>InvalidateSignals</c>,
    /// and the keys a save knows only after its data was written. PostgreSQL's moves a computed key at most once per transaction in SQL.
    /// </summary>
    /// <param name="context">A context on a relational provider whose model maps the outbox.</param>
    /// <param name="keys">The distinct keys, at least one.</param>
    /// <param name="async">Whether to run asynchronously; <see langword="false"/> completes synchronously.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows are written (not committed, inside a transaction).</returns>
    /// <exception cref="InvalidOperationException">The model has no outbox.</exception>
    /// <remarks>
    /// The neutral form is <see cref="OutboxInsertStatements"/>' <c>INSERT … VALUES</c>. Inside an EF Core transaction, when a key is
    /// computed, it first drops the computed keys the transaction already moved (<see cref="TransactionComputedKeys"/>: their remembered
    /// row is still in the database), and remembers the rows it writes for computed keys when the provider reads their ids back
    /// (<see cref="InsertReadingIdsAsync"/>).
    /// </remarks>
    public virtual async ValueTask WriteNowAsync(DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        if (TransactionComputedKeys.Of(context, keys, out HashSet<SignalKey>? computed) is not { } transaction)
        {
            await OutboxInsertStatements.ExecuteAsync(context, OutboxInsertStatements.Build(context, keys), async, cancellationToken).ConfigureAwait(false);
            return;
        }

        IReadOnlyCollection<SignalKey> write = await transaction.WithoutMovedAsync(context, keys, async, cancellationToken).ConfigureAwait(false);
        if (write.Count == 0
            || await InsertReadingIdsAsync(context, write, async, cancellationToken).ConfigureAwait(false) is not { } rows)
        {
            return;
        }

        var ids = new Dictionary<string, long>(rows.Count, StringComparer.Ordinal);
        foreach ((long id, string key) in rows)
        {
            ids[key] = id;
        }

        foreach (SignalKey key in computed!)
        {
            if (ids.TryGetValue(key.Value, out long id))
            {
                transaction.Remember(key, id);
            }
        }
    }

    /// <summary>
    /// Inserts one outbox row per key on the context's connection, in its current EF Core transaction, and reads back each row's id when
    /// the provider can in the same statement (<see cref="WriteNowAsync"/> remembers the computed keys' rows by them).
    /// </summary>
    /// <param name="context">A context on a relational provider whose model maps the outbox, in a transaction.</param>
    /// <param name="keys">The distinct keys, at least one.</param>
    /// <param name="async">Whether to run asynchronously; <see langword="false"/> completes synchronously.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The id and key of each row written, in any order; or <see langword="null"/> when the provider cannot tell.</returns>
    /// <remarks>
    /// The neutral provider cannot (no statement that returns generated ids is common to every database: SQL Server has <c>OUTPUT</c>,
    /// others <c>RETURNING</c>, some neither), so a computed key it writes here is not skipped by a later write of the transaction: it may
    /// move twice, never zero times. Rows of tracked saves are remembered on every provider (EF Core reads their ids back).
    /// </remarks>
    protected virtual async ValueTask<IReadOnlyList<(long Id, string Key)>?> InsertReadingIdsAsync(
        DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        await OutboxInsertStatements.ExecuteAsync(context, OutboxInsertStatements.Build(context, keys), async, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Gets the value store's commands for a context.</summary>
    /// <param name="context">A context of the store's own.</param>
    /// <returns>The commands.</returns>
    public abstract IValueCommands GetValueCommands(DbContext context);

    /// <summary>
    /// Reads the current version of each key — the latest of its compacted state row and its outbox rows — in one query, for the hub's
    /// keys it does not hold (<c>ISignalVersionSource</c>).
    /// </summary>
    /// <param name="context">A context of the application's type, leased for the read.</param>
    /// <param name="keys">The keys; distinct, at least one.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version of each key that has one, in any order.</returns>
    /// <remarks>
    /// The neutral query is one LINQ statement: the keys' state rows <c>UNION ALL</c> each key's outbox row with no higher id of the same
    /// key (an anti-join the <c>(key, id)</c> index answers per key), the keys as one collection parameter (PostgreSQL: an array, SQLite:
    /// JSON), so a thousand keys are one round trip. Both rows of a key can come back; the higher version wins.
    /// </remarks>
    public virtual async Task<IReadOnlyList<SignalVersion>> ReadVersionsAsync(DbContext context, IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken)
    {
        string[] texts = [.. keys.Select(static k => k.Value)];
        IQueryable<SignalOutboxEntry> outbox = context.Set<SignalOutboxEntry>().AsNoTracking();
        var rows = await context.Set<SignalStateEntry>().AsNoTracking()
            .Where(s => texts.Contains(s.Key))
            .Select(s => new { s.Key, s.Version, s.Hash, s.UpdatedAt })
            .Concat(outbox
                .Where(e => texts.Contains(e.Key) && !outbox.Any(o => o.Key == e.Key && o.Id > e.Id))
                .Select(e => new { e.Key, Version = e.Id, e.Hash, UpdatedAt = e.CreatedAt }))
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

        var latest = new Dictionary<string, SignalVersion>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if ((!latest.TryGetValue(row.Key, out SignalVersion held) || held.Version < row.Version) && SignalKey.TryParse(row.Key, out SignalKey key, out _))
            {
                latest[row.Key] = new SignalVersion(key, row.Version, row.Hash, row.UpdatedAt);
            }
        }

        return [.. latest.Values];
    }

    /// <summary>
    /// Opens the locks that let one instance among those sharing the context's database run a key's producer (<c>AddSignalProducer</c>):
    /// a lock the database or the operating system frees when its holder dies.
    /// </summary>
    /// <param name="context">A context of the outbox's type, for its connection (disposed after the call).</param>
    /// <param name="logger">Logs the locks' connection failures.</param>
    /// <returns>The locks, or <see langword="null"/> when the provider has none: the producers then take in-process locks (one copy per instance).</returns>
    /// <remarks>The neutral provider has none: no lock that dies with its holder is common to every database.</remarks>
    public virtual ProducerLocks? OpenProducerLocks(DbContext context, ILogger logger) => null;

    /// <summary>
    /// Tells whether an exception thrown by reading the outbox means the database lacks the Signals schema — a table, a column or the
    /// id sequence is missing (never created, or created for an older model) — rather than a passing failure.
    /// </summary>
    /// <param name="exception">The exception, as the dispatcher caught it (the provider's error may be an inner exception).</param>
    /// <returns><see langword="true"/> when it is the provider's error for a missing table, column or sequence.</returns>
    /// <remarks>The neutral provider cannot tell (every provider has its own errors): it returns <see langword="false"/>.</remarks>
    public virtual bool IsMissingSchema(Exception exception) => false;

    /// <summary>
    /// Gets whether the provider's SQL has <c>INSERT … ON CONFLICT DO NOTHING</c>, so a row that another instance may insert at the same
    /// moment (the deployment's epoch) is written without a command the database refuses and EF Core logs as an error.
    /// </summary>
    /// <remarks>
    /// The neutral provider says <see langword="false"/>: not every database has the clause (SQL Server has none), so it inserts a tracked
    /// row and catches the refusal. PostgreSQL has it since 9.5 (https://www.postgresql.org/docs/current/sql-insert.html), SQLite since
    /// 3.24 (https://sqlite.org/lang_upsert.html).
    /// </remarks>
    public virtual bool InsertsOnConflictDoNothing => false;

    /// <summary>
    /// Gets how an application creates the Signals schema on this provider, as a clause completing "Create it: …", for the health
    /// report and the log.
    /// </summary>
    public virtual string SchemaFixes
        => "call context.Database.EnsureCreated() on a new database, or add a migration with modelBuilder.AddSignalsOutbox() in the " +
           "model and apply it (dotnet ef migrations add, then context.Database.Migrate() or dotnet ef database update)";

    /// <summary>Enumerates an exception and its inner exceptions, outermost first.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The chain.</returns>
    protected static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
