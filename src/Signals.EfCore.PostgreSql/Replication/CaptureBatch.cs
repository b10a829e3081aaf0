using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// The keys of many commits' captured changes, written into the outbox by one statement per table, all in one implicit transaction
/// (one <see cref="NpgsqlBatch"/>, one round trip). Each statement turns the changed rows back into rows of the table
/// (<c>json_populate_recordset</c> of their key columns, whose text PostgreSQL's input functions read exactly as its output functions
/// wrote it) and formats their keys with the same SQL as the capture triggers (<see cref="PostgresKeyExpressions"/>), so both mechanisms
/// write the generator's keys byte for byte, computed signals included; keys repeated across the batch are written once.
/// </summary>
/// <remarks>
/// A row whose key Signals cannot write (an empty text argument, a key over <see cref="SignalKey.MaxByteCount"/> bytes) has already
/// committed, unlike a trigger's, which fails the write. When a statement fails for that reason (SQLSTATE <c>22023</c> or <c>22001</c>,
/// raised by the helper functions), the batch is written again one row at a time, and the rows that fail are logged and skipped.
/// </remarks>
/// <param name="statements">Each captured table's statement (<see cref="Statement"/>), by the consumer's own instance of its description.</param>
internal sealed class CaptureBatch(IReadOnlyDictionary<CapturedTable, string> statements)
{
    private readonly Dictionary<CapturedTable, (List<IReadOnlyDictionary<string, string?>> Old, List<IReadOnlyDictionary<string, string?>> New)> _tables =
        new(ReferenceEqualityComparer.Instance);

    /// <summary>Gets how many rows (old and new) the batch holds.</summary>
    public int RowCount { get; private set; }

    /// <summary>Adds a commit's changes.</summary>
    /// <param name="commit">The commit.</param>
    public void Add(CapturedCommit commit)
    {
        foreach (CapturedChange change in commit.Changes)
        {
            if (!_tables.TryGetValue(change.Table, out var rows))
            {
                rows = ([], []);
                _tables.Add(change.Table, rows);
            }

            if (change.Old is not null)
            {
                rows.Old.Add(change.Old);
                RowCount++;
            }

            if (change.New is not null)
            {
                rows.New.Add(change.New);
                RowCount++;
            }
        }
    }

    /// <summary>Writes the batch's keys into the outbox and commits; the caller writes only a batch that holds rows.</summary>
    /// <param name="dataSource">The dispatcher's data source.</param>
    /// <param name="logger">Where skipped rows are reported.</param>
    /// <param name="cancellationToken">Cancels the write (nothing is committed then).</param>
    /// <returns>A task that completes when the keys are committed.</returns>
    /// <exception cref="NpgsqlException">The database failed; nothing was committed, and the caller writes the batch again.</exception>
    public async Task WriteAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(dataSource, [.. _tables.Select(static t => (t.Key, t.Value.Old, t.Value.New))], cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsUnwritableKey(exception))
        {
            foreach ((CapturedTable table, var rows) in _tables)
            {
                foreach ((IReadOnlyDictionary<string, string?> row, bool old) in rows.Old.Select(static r => (r, true)).Concat(rows.New.Select(static r => (r, false))))
                {
                    try
                    {
                        await ExecuteAsync(dataSource, [(table, old ? [row] : [], old ? [] : [row])], cancellationToken).ConfigureAwait(false);
                    }
                    catch (PostgresException rowException) when (IsUnwritableKey(rowException))
                    {
                        ReplicationLog.RowSkipped(logger, CapturedTables.QualifiedName(table.Schema, table.Table), rowException.MessageText);
                    }
                }
            }
        }
    }

    /// <summary>The SQLSTATEs of the helper functions' errors: an empty argument (22023), a key too long (22001).</summary>
    private static bool IsUnwritableKey(PostgresException exception)
        => exception.SqlState is PostgresErrorCodes.InvalidParameterValue or PostgresErrorCodes.StringDataRightTruncation;

    private async Task ExecuteAsync(
        NpgsqlDataSource dataSource,
        IReadOnlyList<(CapturedTable Table, List<IReadOnlyDictionary<string, string?>> Old, List<IReadOnlyDictionary<string, string?>> New)> tables,
        CancellationToken cancellationToken)
    {
        await using NpgsqlBatch batch = dataSource.CreateBatch();
        foreach ((CapturedTable table, var old, var @new) in tables)
        {
            var command = new NpgsqlBatchCommand(statements[table]);
            command.Parameters.Add(new NpgsqlParameter { Value = Json(old), NpgsqlDbType = NpgsqlDbType.Json });
            command.Parameters.Add(new NpgsqlParameter { Value = Json(@new), NpgsqlDbType = NpgsqlDbType.Json });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Json(List<IReadOnlyDictionary<string, string?>> rows) => JsonSerializer.Serialize(rows);

    /// <summary>
    /// Gets the statement of one table: its old and new rows (<c>$1</c>, <c>$2</c>: JSON arrays of objects by column name) as the transition
    /// tables <c>signals_old</c> and <c>signals_new</c> the triggers read, and the triggers' key expressions over them.
    /// </summary>
    /// <param name="table">The captured table.</param>
    /// <returns>The SQL.</returns>
    public static string Statement(CapturedTable table)
    {
        string helpers = PostgresCaptureDialect.Qualified(table.OutboxSchema, string.Empty);
        string target = PostgresCaptureDialect.Qualified(table.Schema, table.Table);
        string keys = string.Join(
            "\n    UNION ",
            table.Keys.SelectMany(static _ => (string[])["signals_old", "signals_new"], (parts, source) => PostgresKeyExpressions.KeySelect(parts, source, helpers, revision: 4)));
        return $"""
            WITH signals_old AS (SELECT * FROM json_populate_recordset(NULL::{target}, $1)),
                 signals_new AS (SELECT * FROM json_populate_recordset(NULL::{target}, $2))
            INSERT INTO {PostgresCaptureDialect.Qualified(table.OutboxSchema, table.Outbox)} ({PostgresCaptureDialect.Quote(table.OutboxKey)}, {PostgresCaptureDialect.Quote(table.OutboxCreatedAt)})
            SELECT DISTINCT {PostgresKeyExpressions.Checked(table, "s.k", helpers)}, now()
            FROM ({keys}) AS s(k)
            WHERE s.k IS NOT NULL
            """;
    }
}
