using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Writes outbox rows with provider-neutral SQL through the context's connection (<c>ExecuteSqlRaw</c>, so they join its current or
/// ambient transaction): <c>InvalidateSignals</c>, and the keys of a save that depend on database-generated values — the neutral form
/// of <see cref="OutboxProvider.WriteNowAsync"/> (PostgreSQL's own form moves a computed key once per transaction).
/// </summary>
internal static class OutboxInsertStatements
{
    /// <summary>The most keys one <c>INSERT</c> statement carries (one parameter each, plus the timestamp); more take several statements.</summary>
    public const int KeysPerStatement = 1_000;

    private const string InsertIntoAnnotation = "Signals:OutboxInsertInto";

    /// <summary>
    /// Gets the start of every insert of outbox rows — these statements and those of the PostgreSQL command appender:
    /// <c>INSERT INTO</c> the outbox table <c>(</c>key column<c>, </c>created-at column<c>)</c>, delimited by the context's provider;
    /// built once per model.
    /// </summary>
    /// <param name="context">A context on a relational provider whose model maps the outbox.</param>
    /// <returns>The SQL, without the rows.</returns>
    /// <exception cref="InvalidOperationException">The model has no outbox.</exception>
    public static string InsertInto(DbContext context) => context.Model.GetOrAddRuntimeAnnotationValue(
        InsertIntoAnnotation,
        static c =>
        {
            MappedTable outbox = MappedTable.FromModel(c!, typeof(SignalOutboxEntry));
            return $"INSERT INTO {outbox.QuotedName} ({outbox.Column(nameof(SignalOutboxEntry.Key))}, {outbox.Column(nameof(SignalOutboxEntry.CreatedAt))})";
        },
        context);

    /// <summary>Builds the <c>INSERT</c> statements: one row per key, all staged now.</summary>
    /// <param name="context">A context on a relational provider whose model maps the outbox.</param>
    /// <param name="keys">The distinct keys; at least one.</param>
    /// <returns>The statements, with their parameters (<c>{0}</c> the timestamp, <c>{1}</c>… the keys).</returns>
    /// <exception cref="InvalidOperationException">The model has no outbox.</exception>
    public static List<(string Sql, object[] Parameters)> Build(DbContext context, IReadOnlyCollection<SignalKey> keys)
    {
        string insert = InsertInto(context) + " VALUES ";
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var statements = new List<(string, object[])>();
        foreach (SignalKey[] chunk in keys.Chunk(KeysPerStatement))
        {
            var sql = new StringBuilder(insert);
            var parameters = new object[chunk.Length + 1];
            parameters[0] = now;
            for (int i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"({{{i + 1}}}, {{0}})");
                parameters[i + 1] = chunk[i].Value;
            }

            statements.Add((sql.ToString(), parameters));
        }

        return statements;
    }

    /// <summary>Runs <see cref="Build"/>'s statements on the context's connection, in its current or ambient transaction if any.</summary>
    /// <param name="context">A context on a relational provider whose model maps the outbox.</param>
    /// <param name="statements">The statements.</param>
    /// <param name="async">Whether to run asynchronously; <see langword="false"/> completes synchronously.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>A task that completes when the rows are written.</returns>
    public static async ValueTask ExecuteAsync(
        DbContext context, List<(string Sql, object[] Parameters)> statements, bool async, CancellationToken cancellationToken)
    {
        foreach ((string sql, object[] parameters) in statements)
        {
            if (async)
            {
                await context.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                context.Database.ExecuteSqlRaw(sql, parameters);
            }
        }
    }
}
