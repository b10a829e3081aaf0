using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// PostgreSQL's capture triggers: per captured table one PL/pgSQL function and three <c>AFTER … FOR EACH STATEMENT</c> triggers (insert,
/// update, delete) with transition tables, so a statement that writes 100,000 rows runs one <c>INSERT … SELECT DISTINCT</c> into the
/// outbox, in the writer's transaction. A key the transaction has already bumped (same <c>xid</c>) is skipped, so a save of several
/// statements bumps each key once per commit. Two helper functions beside the outbox (<c>signals_key_argument</c>, which escapes like
/// <see cref="SignalKey.Create(string, ReadOnlySpan{string})"/>, and <c>signals_key_too_long</c>) are created or replaced with every
/// capture and never dropped. The function's comment carries the <see cref="CapturedTable"/> description for the start-up check.
/// </summary>
/// <remarks>
/// Transition tables need PostgreSQL 10 (https://www.postgresql.org/docs/current/sql-createtrigger.html); <c>TRUNCATE</c> fires no row
/// trigger and bumps nothing.
/// </remarks>
internal sealed class PostgresCaptureDialect : CaptureDialect
{
    private const string Marker = "signals-capture:";

    private static readonly (string Name, string Operation, string[] Sources)[] Triggers =
    [
        ("signals_capture_insert", "INSERT", ["signals_new"]),
        ("signals_capture_update", "UPDATE", ["signals_old", "signals_new"]),
        ("signals_capture_delete", "DELETE", ["signals_old"]),
    ];

    private PostgresCaptureDialect()
    {
    }

    /// <summary>Gets the instance.</summary>
    public static PostgresCaptureDialect Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "PostgreSQL";

    /// <inheritdoc/>
    public override string? Unsupported(CaptureFormat format, IReadOnlyProperty property, CoreTypeMapping mapping)
    {
        string storeType = (property.GetColumnType() ?? (mapping as RelationalTypeMapping)?.StoreType ?? string.Empty).ToLowerInvariant();
        string baseType = storeType.Split('(')[0].Trim();
        bool fits = format switch
        {
            CaptureFormat.Text => baseType is "text" or "character varying" or "varchar" or "citext",
            CaptureFormat.Integer or CaptureFormat.EnumNumber => baseType is "smallint" or "integer" or "bigint" or "numeric" or "int2" or "int4" or "int8",
            CaptureFormat.Boolean => baseType is "boolean" or "bool",
            CaptureFormat.Guid => baseType is "uuid",
            CaptureFormat.DateOnly => baseType is "date",
            CaptureFormat.DateTimeOffset => baseType is "timestamp with time zone" or "timestamptz",
            _ => false,
        };
        return fits ? null : $"its column type '{storeType}' is not one the trigger formats for {format} (character(n) pads, others convert)";
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> CreateStatements(CapturedTable table)
    {
        string helpers = Qualified(table.OutboxSchema, string.Empty);
        string function = FunctionName(table);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n");
        for (int i = 0; i < Triggers.Length; i++)
        {
            body.Append(i == 0 ? "    IF" : "    ELSIF").Append(CultureInfo.InvariantCulture, $" TG_OP = '{Triggers[i].Operation}' THEN\n");
            AppendInsert(body, table, helpers, Triggers[i].Sources);
        }

        body.Append("    END IF;\n    RETURN NULL;\nEND\n$signals$");
        var statements = new List<string>
        {
            $"""
            CREATE OR REPLACE FUNCTION {helpers}signals_key_argument(argument text) RETURNS text
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$
            BEGIN
                IF argument = '' THEN
                    RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';
                END IF;
                IF argument !~ '[%:\u0001-\u001f\u007f-\u009f]' THEN
                    RETURN argument;
                END IF;
                RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\u0001-\u001f\u007f-\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)
                        FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));
            END
            $signals$
            """,
            $"""
            CREATE OR REPLACE FUNCTION {helpers}signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$
            BEGIN
                RAISE EXCEPTION 'A signal key is at most {SignalKey.MaxByteCount} UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';
            END
            $signals$
            """,
            body.ToString(),
            $"COMMENT ON FUNCTION {function}() IS {Literal(Marker + table.ToJson())}",
        };
        string target = Qualified(table.Schema, table.Table);
        foreach ((string name, string operation, string[] sources) in Triggers)
        {
            string referencing = string.Join(' ', sources.Select(static s => s == "signals_new" ? "NEW TABLE AS signals_new" : "OLD TABLE AS signals_old"));
            statements.Add($"DROP TRIGGER IF EXISTS {name} ON {target}");
            statements.Add($"CREATE TRIGGER {name} AFTER {operation} ON {target} REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()");
        }

        return statements;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> DropStatements(CapturedTable table)
    {
        string target = Qualified(table.Schema, table.Table);
        return [.. Triggers.Select(t => $"DROP TRIGGER IF EXISTS {t.Name} ON {target}"), $"DROP FUNCTION IF EXISTS {FunctionName(table)}()"];
    }

    /// <inheritdoc/>
    public override async Task<(CapturedTable? Installed, IReadOnlyCollection<string> Columns)> ReadInstalledAsync(
        DbContext context, CapturedTable table, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        bool opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT obj_description(to_regprocedure($1), 'pg_proc'),
                       (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = to_regclass($2) AND t.tgname LIKE 'signals\_capture\_%' AND t.tgfoid = to_regprocedure($1)),
                       array(SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass($2) AND attnum > 0 AND NOT attisdropped)
                """,
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = FunctionName(table) + "()" });
            command.Parameters.Add(new NpgsqlParameter { Value = Qualified(table.Schema, table.Table) });
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            string? comment = reader.IsDBNull(0) ? null : reader.GetString(0);
            long triggers = reader.GetInt64(1);
            string[] columns = reader.GetFieldValue<string[]>(2);
            CapturedTable? installed = triggers == Triggers.Length && comment is not null && comment.StartsWith(Marker, StringComparison.Ordinal)
                ? CapturedTable.FromJson(comment[Marker.Length..])
                : null;
            return (installed, columns);
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The SQL expression of one key of a row of <paramref name="source"/> (<see langword="null"/> when a column is).</summary>
    private static string KeyExpression(IReadOnlyList<CapturePart> key, string source, string helpers)
        => string.Join(" || ", key.Select(part => part.Literal is { } literal ? Literal(literal) : Argument(part, $"{source}.{Quote(part.Column!)}", helpers)));

    /// <summary>The SQL expression that formats a column as <see cref="SignalKey.FormatArgument{T}(T)"/> and escapes it.</summary>
    private static string Argument(CapturePart part, string column, string helpers) => part.Format switch
    {
        CaptureFormat.Text => $"{helpers}signals_key_argument({column}::text)",
        CaptureFormat.Integer or CaptureFormat.Guid => $"{column}::text",
        CaptureFormat.Boolean => $"CASE {column} WHEN true THEN 'true' WHEN false THEN 'false' END",
        CaptureFormat.EnumNumber => $"CASE {column} {string.Concat(part.EnumMembers!.Select(m => string.Create(CultureInfo.InvariantCulture, $"WHEN {m.Key} THEN {Literal(m.Value)} ")))}ELSE {column}::text END",
        CaptureFormat.DateOnly => $"to_char({column}, 'YYYY-MM-DD')",
        _ => $"replace(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), ':', '%3A') || '0+00%3A00'",
    };

    private static void AppendInsert(StringBuilder body, CapturedTable table, string helpers, string[] sources)
    {
        var selects = new List<string>();
        foreach (IReadOnlyList<CapturePart> parts in table.Keys)
        {
            foreach (string source in sources)
            {
                selects.Add(parts.All(static p => p.Literal is not null)
                    ? $"(SELECT {KeyExpression(parts, source, helpers)} FROM {source} LIMIT 1)"
                    : $"SELECT {KeyExpression(parts, source, helpers)} FROM {source}");
            }
        }

        string outbox = Qualified(table.OutboxSchema, table.Outbox);
        string key = Quote(table.OutboxKey);
        string skipBumped = table.OutboxTransactionId is { } xid
            ? $"\n        WHERE NOT EXISTS (SELECT 1 FROM {outbox} o WHERE o.{Quote(xid)} = pg_current_xact_id() AND o.{key} = d.k)"
            : string.Empty;
        body.Append(CultureInfo.InvariantCulture, $"""
                    INSERT INTO {outbox} ({key}, {Quote(table.OutboxCreatedAt)})
                    SELECT CASE WHEN octet_length(d.k) <= {SignalKey.MaxByteCount} THEN d.k ELSE {helpers}signals_key_too_long(d.k) END, now()
                    FROM (SELECT DISTINCT k FROM (
                        {string.Join("\n            UNION ALL ", selects)}
                    ) AS s(k) WHERE k IS NOT NULL) AS d{skipBumped};

            """);
    }

    private static string FunctionName(CapturedTable table) => Qualified(table.Schema, "signals_capture_" + table.Table);

    /// <summary><c>"schema"."name"</c>, <c>"name"</c>, or for an empty name the schema prefix (<c>"schema".</c> or nothing).</summary>
    private static string Qualified(string? schema, string name)
        => name.Length == 0 ? (schema is null ? string.Empty : Quote(schema) + ".") : (schema is null ? Quote(name) : $"{Quote(schema)}.{Quote(name)}");

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
