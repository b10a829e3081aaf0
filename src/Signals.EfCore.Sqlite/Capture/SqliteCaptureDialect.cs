using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore.Sqlite;

/// <summary>
/// SQLite's capture triggers: per captured table three <c>AFTER … FOR EACH ROW</c> triggers (SQLite has no statement triggers) that insert
/// the row's keys into the outbox, in the writer's transaction. Escaping is nested <c>replace()</c> calls behind a <c>GLOB</c> test (SQLite
/// has no regular expressions); an empty argument or a key over 512 UTF-8 bytes aborts the write with <c>RAISE(ABORT, …)</c>, as the
/// generated code throws. Keys are not deduplicated across rows: a statement writing n rows of one key adds n outbox rows (one per row,
/// each a version the dispatcher publishes; clients coalesce). The insert trigger's text carries the <see cref="CapturedTable"/>
/// description in a comment, for the start-up check.
/// </summary>
internal sealed class SqliteCaptureDialect : CaptureDialect
{
    private const string Marker = "/* signals-capture:";

    private static readonly (string Suffix, string Operation, string[] Rows)[] Triggers =
    [
        ("insert", "INSERT", ["NEW"]),
        ("update", "UPDATE", ["OLD", "NEW"]),
        ("delete", "DELETE", ["OLD"]),
    ];

    private SqliteCaptureDialect()
    {
    }

    /// <summary>Gets the instance.</summary>
    public static SqliteCaptureDialect Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "SQLite";

    /// <inheritdoc/>
    public override string? Unsupported(CaptureFormat format, IReadOnlyProperty property, CoreTypeMapping mapping)
    {
        string storeType = (property.GetColumnType() ?? (mapping as RelationalTypeMapping)?.StoreType ?? string.Empty).ToUpperInvariant();
        return format switch
        {
            CaptureFormat.DateTimeOffset => "EF Core stores it as text in a form of its own (trailing zeros of the fraction trimmed), not the key's ISO 8601 'O' form",
            CaptureFormat.Text or CaptureFormat.Guid or CaptureFormat.DateOnly when storeType != "TEXT" => $"its column type '{storeType}' is not TEXT",
            CaptureFormat.Integer or CaptureFormat.Boolean or CaptureFormat.EnumNumber when storeType != "INTEGER" => $"its column type '{storeType}' is not INTEGER",
            _ => null,
        };
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> CreateStatements(CapturedTable table)
    {
        var statements = new List<string>();
        foreach ((string suffix, string operation, string[] rows) in Triggers)
        {
            string name = TriggerName(table, suffix);
            string selects = string.Join(
                "\n        UNION ",
                table.Keys.SelectMany(key => rows.Select(row => $"SELECT {string.Join(" || ", key.Select(part => part.Literal is { } literal ? Literal(literal) : Argument(part, $"{row}.{Quote(part.Column!)}")))} AS k")));
            string comment = suffix == "insert" ? $"{Marker}{table.ToJson()} */\n    " : string.Empty;
            statements.Add($"DROP TRIGGER IF EXISTS {Quote(name)}");
            statements.Add(string.Create(CultureInfo.InvariantCulture, $"""
                CREATE TRIGGER {Quote(name)} AFTER {operation} ON {Quote(table.Table)} FOR EACH ROW
                BEGIN
                    {comment}INSERT INTO {Quote(table.Outbox)} ({Quote(table.OutboxKey)}, {Quote(table.OutboxCreatedAt)})
                    SELECT CASE WHEN length(CAST(k AS BLOB)) <= {SignalKey.MaxByteCount} THEN k
                                ELSE RAISE(ABORT, 'A signal key is at most {SignalKey.MaxByteCount} UTF-8 bytes.') END,
                           strftime('%Y-%m-%d %H:%M:%f', 'now') || '+00:00'
                    FROM (
                        {selects}
                    ) WHERE k IS NOT NULL;
                END
                """));
        }

        return statements;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> DropStatements(CapturedTable table)
        => [.. Triggers.Select(t => $"DROP TRIGGER IF EXISTS {Quote(TriggerName(table, t.Suffix))}")];

    /// <inheritdoc/>
    public override async Task<(CapturedTable? Installed, IReadOnlyCollection<string> Columns)> ReadInstalledAsync(
        DbContext context, CapturedTable table, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)context.Database.GetDbConnection();
        bool opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $table AND name IN ($insert, $update, $delete)";
            command.Parameters.AddWithValue("$table", table.Table);
            command.Parameters.AddWithValue("$insert", TriggerName(table, "insert"));
            command.Parameters.AddWithValue("$update", TriggerName(table, "update"));
            command.Parameters.AddWithValue("$delete", TriggerName(table, "delete"));
            int triggers = 0;
            string? description = null;
            await using (SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    triggers++;
                    string sql = reader.GetString(1);
                    int start = sql.IndexOf(Marker, StringComparison.Ordinal);
                    if (start >= 0)
                    {
                        start += Marker.Length;
                        description = sql[start..sql.IndexOf(" */", start, StringComparison.Ordinal)];
                    }
                }
            }

            command.CommandText = "SELECT name FROM pragma_table_info($table)";
            var columns = new List<string>();
            await using (SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add(reader.GetString(0));
                }
            }

            return (triggers == Triggers.Length ? CapturedTable.FromJson(description) : null, columns);
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The SQL expression that formats a column as <see cref="SignalKey.FormatArgument{T}(T)"/> and escapes it.</summary>
    private static string Argument(CapturePart part, string column) => part.Format switch
    {
        CaptureFormat.Text => Escaped(column),
        CaptureFormat.Integer => $"CAST({column} AS TEXT)",
        CaptureFormat.Boolean => $"CASE {column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END",
        CaptureFormat.Guid => $"lower({column})",
        CaptureFormat.EnumNumber => $"CASE {column} {string.Concat(part.EnumMembers!.Select(m => string.Create(CultureInfo.InvariantCulture, $"WHEN {m.Key} THEN {Literal(m.Value)} ")))}ELSE CAST({column} AS TEXT) END",
        _ => column,
    };

    /// <summary>Escapes like <see cref="SignalKey.Create(string, ReadOnlySpan{string})"/>: <c>%</c> first, then <c>:</c> and the control characters.</summary>
    private static string Escaped(string column)
    {
        IEnumerable<int> controls = Enumerable.Range(1, 31).Concat(Enumerable.Range(0x7F, 0x21));
        string replaced = $"replace(replace({column}, '%', '%25'), ':', '%3A')";
        foreach (int c in controls)
        {
            replaced = string.Create(CultureInfo.InvariantCulture, $"replace({replaced}, char({c}), '%{c:X2}')");
        }

        return $"CASE WHEN {column} = '' THEN RAISE(ABORT, 'A family argument must not be empty: an empty segment would not be a key.') " +
               $"WHEN {column} GLOB '*[%:' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' THEN {replaced} ELSE {column} END";
    }

    private static string TriggerName(CapturedTable table, string suffix) => $"signals_capture_{table.Table}_{suffix}";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
