using System.Globalization;
using System.Text;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// The first revision of PostgreSQL's capture triggers, which a <see cref="CapturedTable"/> without a <see cref="CapturedTable.Revision"/>
/// describes: one PL/pgSQL function for the three operations, each statement's keys skipped when an outbox row of the transaction (same
/// <c>xid</c>) has them. Still written where such a description must be installed again: the <c>Down</c> of the migration that moved a
/// model to revision 2.
/// </summary>
internal static class PostgresFirstRevisionCapture
{
    private static readonly (string Name, string Operation, string[] Sources)[] Triggers =
    [
        ("signals_capture_insert", "INSERT", ["signals_new"]),
        ("signals_capture_update", "UPDATE", ["signals_old", "signals_new"]),
        ("signals_capture_delete", "DELETE", ["signals_old"]),
    ];

    /// <summary>Gets the statements that create the function, its description and its three triggers (the helpers aside).</summary>
    /// <param name="table">The capture, of revision 1.</param>
    /// <param name="helpers">The helper functions' schema prefix.</param>
    /// <returns>The statements.</returns>
    public static IEnumerable<string> CreateStatements(CapturedTable table, string helpers)
    {
        string function = FunctionName(table);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n");
        for (int i = 0; i < Triggers.Length; i++)
        {
            body.Append(i == 0 ? "    IF" : "    ELSIF").Append(CultureInfo.InvariantCulture, $" TG_OP = '{Triggers[i].Operation}' THEN\n");
            AppendInsert(body, table, helpers, Triggers[i].Sources);
        }

        body.Append("    END IF;\n    RETURN NULL;\nEND\n$signals$");
        yield return body.ToString();
        yield return $"COMMENT ON FUNCTION {function}() IS {PostgresCaptureDialect.Literal(PostgresCaptureDialect.Marker + table.ToJson())}";
        string target = PostgresCaptureDialect.Qualified(table.Schema, table.Table);
        foreach ((string name, string operation, string[] sources) in Triggers)
        {
            yield return $"DROP TRIGGER IF EXISTS {name} ON {target}";
            yield return $"CREATE TRIGGER {name} AFTER {operation} ON {target} REFERENCING {PostgresCaptureDialect.Referencing(sources)} FOR EACH STATEMENT EXECUTE FUNCTION {function}()";
        }
    }

    /// <summary>Gets the function's name.</summary>
    /// <param name="table">The capture.</param>
    /// <returns>The schema-qualified, quoted name.</returns>
    public static string FunctionName(CapturedTable table) => PostgresCaptureDialect.Qualified(table.Schema, "signals_capture_" + table.Table);

    private static void AppendInsert(StringBuilder body, CapturedTable table, string helpers, string[] sources)
    {
        IEnumerable<string> selects = table.Keys.SelectMany(_ => sources, (parts, source) => PostgresKeyExpressions.KeySelect(parts, source, helpers, revision: null));

        string outbox = PostgresCaptureDialect.Qualified(table.OutboxSchema, table.Outbox);
        string key = PostgresCaptureDialect.Quote(table.OutboxKey);
        string skipBumped = table.OutboxTransactionId is { } xid
            ? $"\n        WHERE NOT EXISTS (SELECT 1 FROM {outbox} o WHERE o.{PostgresCaptureDialect.Quote(xid)} = pg_current_xact_id() AND o.{key} = d.k)"
            : string.Empty;
        body.Append(CultureInfo.InvariantCulture, $"""
                    INSERT INTO {outbox} ({key}, {PostgresCaptureDialect.Quote(table.OutboxCreatedAt)})
                    SELECT CASE WHEN octet_length(d.k) <= {SignalKey.MaxByteCount} THEN d.k ELSE {helpers}signals_key_too_long(d.k) END, now()
                    FROM (SELECT DISTINCT k FROM (
                        {string.Join("\n            UNION ALL ", selects)}
                    ) AS s(k) WHERE k IS NOT NULL) AS d{skipBumped};

            """);
    }
}
