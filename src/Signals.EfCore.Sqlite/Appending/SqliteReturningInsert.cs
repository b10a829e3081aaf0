using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore.Sqlite;

/// <summary>
/// The neutral outbox insert (<see cref="OutboxInsertStatements"/>) with <c>RETURNING</c> the id and key of each row, so the writes of
/// an EF Core transaction (<c>InvalidateSignals</c>, the keys a save knows only after its data) can remember the rows of its computed
/// keys (<see cref="TransactionComputedKeys"/>) without another statement.
/// </summary>
/// <remarks>
/// <c>RETURNING</c> is SQLite's since 3.35 (https://sqlite.org/lang_returning.html), which EF Core's own SQLite saves need too; the rows
/// come back in an arbitrary order, hence the key beside each id. Run through EF Core's <c>SqlQueryRaw</c>, not composed, so the
/// statement runs as written, in the context's current transaction, with EF Core's parameter conversions, logging and interceptors.
/// </remarks>
internal static class SqliteReturningInsert
{
    private const string ReturningAnnotation = "Signals:SqliteOutboxReturning";

    /// <summary>Inserts one outbox row per key and returns each row's id and key.</summary>
    /// <param name="context">A SQLite context whose model maps the outbox.</param>
    /// <param name="keys">The distinct keys, at least one.</param>
    /// <param name="async">Whether to run asynchronously; <see langword="false"/> completes synchronously.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The id and key of each row written, in any order.</returns>
    /// <exception cref="InvalidOperationException">The model has no outbox.</exception>
    public static async ValueTask<IReadOnlyList<(long Id, string Key)>> ExecuteAsync(
        DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        string returning = Returning(context);
        var rows = new List<(long Id, string Key)>(keys.Count);
        foreach ((string sql, object[] parameters) in OutboxInsertStatements.Build(context, keys))
        {
            // Built from the model's delimited names and parameter placeholders only: the keys are parameters.
            string statement = string.Concat(sql, returning);
            IQueryable<InsertedRow> query = context.Database.SqlQueryRaw<InsertedRow>(statement, parameters);
            List<InsertedRow> inserted = async ? await query.ToListAsync(cancellationToken).ConfigureAwait(false) : query.ToList();
            rows.AddRange(inserted.Select(static r => (r.Id, r.Key)));
        }

        return rows;
    }

    /// <summary>Gets the <c>RETURNING</c> clause of the context's model (its delimited column names), built once per model.</summary>
    private static string Returning(DbContext context) => context.Model.GetOrAddRuntimeAnnotationValue(
        ReturningAnnotation,
        static c =>
        {
            MappedTable outbox = MappedTable.FromModel(c!, typeof(SignalOutboxEntry));
            return $" RETURNING {outbox.Column(nameof(SignalOutboxEntry.Id))} AS \"{nameof(InsertedRow.Id)}\", {outbox.Column(nameof(SignalOutboxEntry.Key))} AS \"{nameof(InsertedRow.Key)}\"";
        },
        context);

    /// <summary>A row as <c>RETURNING</c> reports it.</summary>
    private sealed class InsertedRow
    {
        public long Id { get; init; }

        public string Key { get; init; } = string.Empty;
    }
}
