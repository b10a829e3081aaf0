using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// PostgreSQL's capture triggers: per captured table and operation (insert, update, delete) two <c>AFTER … FOR EACH STATEMENT</c>
/// triggers with transition tables, each calling a PL/pgSQL function of one <c>INSERT … SELECT</c> of distinct keys into the outbox, in the
/// writer's transaction, so a statement that writes 100,000 rows runs one insert. The trigger's <c>WHEN</c> clause picks one of the two
/// per statement: the first capturing statement of a transaction records the outbox sequence's last value in the transaction-local
/// setting <c>signals.capture_floor</c> (in that clause) and inserts its keys; a later statement of the same transaction skips the keys it already bumped,
/// looked up by key above that floor on the outbox's (key, id) index, so a save of several statements bumps each key once per commit.
/// A text argument is escaped like <see cref="SignalKey.Create(string, ReadOnlySpan{string})"/> by one regular expression test written
/// into the trigger, calling the PL/pgSQL <c>signals_key_escaped</c> only for an empty argument or one to escape. Three helper functions
/// beside the outbox (<c>signals_key_escaped</c>; <c>signals_key_argument</c>, the same test as a SQL function, which revisions 2 and 3
/// call; and <c>signals_key_too_long</c>) are created or replaced with every capture and never dropped. Each function's comment carries the <see cref="CapturedTable"/> description for the start-up check.
/// </summary>
/// <remarks>
/// <para>
/// Why this shape (docs/capture.md, "What it costs"): Npgsql resets a pooled connection with <c>DISCARD ALL</c>, which invalidates every
/// cached plan, PL/pgSQL's included, so a trigger's statements are analysed and planned again on the first write of nearly every save.
/// That cost grows with each statement and expression the trigger evaluates: one function per operation needs no <c>TG_OP</c> test; the
/// <c>WHEN</c> clause (an expression the executor prepares, outside the plan cache) decides whether a statement needs the look-up of keys
/// bumped earlier, whose anti-join is the costliest part to plan, and records the floor; a key that cannot exceed
/// <see cref="SignalKey.MaxByteCount"/> bytes is not measured; and a text argument is escaped by an expression written out, not a
/// PL/pgSQL call per row (whose own statements <c>DISCARD ALL</c> would send to the planner again) nor a SQL function the planner would
/// inline (parsing its body again each time).
/// </para>
/// <para>
/// The interceptor and <c>InvalidateSignalsAsync</c> record the same floor when they write a computed key (<see cref="ComputedKeyDedupe"/>),
/// and look their computed keys up above it, so a computed key moves once per transaction whichever of them writes it first. Other keys
/// they write before the transaction's first capturing statement (and any key written before a floor is recorded) are not looked up:
/// such a key can be bumped twice in one commit, which costs a version, not a change. Transition tables need PostgreSQL 10
/// (https://www.postgresql.org/docs/current/sql-createtrigger.html); <c>TRUNCATE</c> fires no row trigger and bumps nothing.
/// </para>
/// </remarks>
internal sealed class PostgresCaptureDialect : CaptureDialect
{
    /// <summary>The prefix of the description in a trigger function's comment.</summary>
    internal const string Marker = "signals-capture:";

    /// <summary>
    /// The transaction-local setting that marks a transaction whose triggers (or writes of computed keys) have bumped keys, holding the
    /// outbox id floor: shared with <see cref="ComputedKeyDedupe"/>.
    /// </summary>
    private const string FloorSetting = ComputedKeyDedupe.FloorSetting;

    private static readonly (string Name, string Operation, string[] Sources)[] Operations =
    [
        ("insert", "INSERT", ["signals_new"]),
        ("update", "UPDATE", ["signals_old", "signals_new"]),
        ("delete", "DELETE", ["signals_old"]),
    ];

    private PostgresCaptureDialect()
    {
    }

    /// <summary>Gets the instance.</summary>
    public static PostgresCaptureDialect Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "PostgreSQL";

    /// <inheritdoc/>
    /// <remarks>
    /// Revisions 2 and 3: two triggers and functions per operation (see the remarks on this type); the first had one function for all three.
    /// Revision 3 changes only a later statement's look-up of the keys the transaction already bumped: its function is declared with
    /// <c>SET enable_seqscan = off</c> and probes the (key, id) index from <c>(k, floor)</c> (see <c>ProbeFromFloor</c>), where revision 2's
    /// could be planned as a scan of the whole outbox. Revision 4 records the floor in the first statement's trigger <c>WHEN</c> clause
    /// instead of its <c>INSERT</c> (see <c>FirstStatementWhen</c>), and names that trigger <c>…_first</c> so that it comes after the
    /// later statements' trigger. A migration made with an earlier revision still creates that revision's text.
    /// </remarks>
    public override int? Revision => 4;

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
    public override string? PublicationFor(string outbox) => PostgresPublication.For(outbox);

    /// <inheritdoc/>
    /// <remarks>Logical decoding needs <c>wal_level = logical</c> (https://www.postgresql.org/docs/current/runtime-config-wal.html#GUC-WAL-LEVEL).</remarks>
    public override async Task<string?> CheckServerAsync(DbContext context, IReadOnlyCollection<CapturedTable> tables, CancellationToken cancellationToken)
    {
        if (tables.All(static t => t.Publication is null))
        {
            return null;
        }

        string level = await context.Database.SqlQueryRaw<string>(PostgresPublication.WalLevelQuery).SingleAsync(cancellationToken).ConfigureAwait(false);
        return level == "logical"
            ? null
            : $"the server runs with wal_level = '{level}', and capture by logical replication needs wal_level = logical (postgresql.conf or ALTER SYSTEM, then a restart)";
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> CreateStatements(CapturedTable table)
    {
        string helpers = Qualified(table.OutboxSchema, string.Empty);
        string target = Qualified(table.Schema, table.Table);
        string comment = Literal(Marker + table.ToJson());
        List<string> statements = [.. HelperStatements(helpers)];
        if (table.Publication is not null)
        {
            // The consumer's INSERT escapes text arguments with the helpers (PostgresCaptureBatch).
            return [.. statements, .. PostgresPublication.CreateStatements(table)];
        }

        if (table.Revision is null)
        {
            // The later revisions' triggers go first: a migration's Down can install revision 1 where a later one was.
            statements.AddRange(DropTriggers(target));
            statements.AddRange(PostgresFirstRevisionCapture.CreateStatements(table, helpers));
            return statements;
        }

        foreach ((string name, string _, string[] sources) in Operations)
        {
            foreach (bool again in (bool[])[false, true])
            {
                string function = FunctionName(table, name, again);
                statements.Add($"""
                    CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql {(again && table.Revision >= 3 ? "SET enable_seqscan = off " : string.Empty)}AS $signals$
                    BEGIN
                    {(again ? InsertAgain(table, helpers, sources) : InsertFirst(table, helpers, sources))}
                        RETURN NULL;
                    END
                    $signals$
                    """);
                statements.Add($"COMMENT ON FUNCTION {function}() IS {comment}");
            }
        }

        statements.AddRange(DropTriggers(target));
        foreach ((string name, string operation, string[] sources) in Operations)
        {
            string referencing = Referencing(sources);
            foreach (bool again in (bool[])[false, true])
            {
                string when = again
                    ? $"current_setting('{FloorSetting}', true) <> ''"
                    : FirstStatementWhen(table);
                statements.Add($"CREATE TRIGGER {TriggerName(name, again, table.Revision)} AFTER {operation} ON {target} REFERENCING {referencing} FOR EACH STATEMENT WHEN ({when}) EXECUTE FUNCTION {FunctionName(table, name, again)}()");
            }
        }

        // Revision 1's function, whose triggers the statements above replaced.
        statements.Add($"DROP FUNCTION IF EXISTS {PostgresFirstRevisionCapture.FunctionName(table)}()");
        return statements;
    }

    /// <summary>
    /// The helper functions beside the outbox, created or replaced with every capture and never dropped: <c>signals_key_escaped</c>,
    /// <c>signals_key_argument</c> and <c>signals_key_too_long</c> (see the remarks on this type).
    /// </summary>
    private static IEnumerable<string> HelperStatements(string helpers)
        =>
        [
            $"""
            CREATE OR REPLACE FUNCTION {helpers}signals_key_escaped(argument text) RETURNS text
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$
            BEGIN
                IF argument = '' THEN
                    RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';
                END IF;
                RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\u0001-\u001f\u007f-\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)
                        FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));
            END
            $signals$
            """,
            $"""
            CREATE OR REPLACE FUNCTION {helpers}signals_key_argument(argument text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $signals$
            SELECT {PostgresKeyExpressions.EscapedIfNeeded("argument", helpers)}
            $signals$
            """,
            $"""
            CREATE OR REPLACE FUNCTION {helpers}signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$
            BEGIN
                RAISE EXCEPTION 'A signal key is at most {SignalKey.MaxByteCount} UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';
            END
            $signals$
            """,
        ];

    /// <inheritdoc/>
    /// <remarks>The replication slot of each publication (<see cref="PostgresPublication.CreateSlot"/>), so that no write is missed between the migration and the first dispatcher.</remarks>
    public override IReadOnlyList<string> CreateOutsideTransaction(IReadOnlyCollection<CapturedTable> tables)
        => [.. tables.Select(static t => t.Publication).OfType<string>().Distinct(StringComparer.Ordinal).Select(PostgresPublication.CreateSlot)];

    /// <inheritdoc/>
    /// <remarks>Drops what any revision created, so the description of an earlier one drops its triggers too.</remarks>
    public override IReadOnlyList<string> DropStatements(CapturedTable table)
    {
        if (table.Publication is not null)
        {
            return [.. PostgresPublication.DropStatements(table)];
        }

        string target = Qualified(table.Schema, table.Table);
        return
        [
            .. DropTriggers(target),
            .. Operations.SelectMany(static o => (bool[])[false, true], (o, again) => $"DROP FUNCTION IF EXISTS {FunctionName(table, o.Name, again)}()"),
            $"DROP FUNCTION IF EXISTS {PostgresFirstRevisionCapture.FunctionName(table)}()",
        ];
    }

    /// <inheritdoc/>
    /// <remarks>
    /// For a table captured by logical replication, what is installed is its membership of the publication with <c>REPLICA IDENTITY FULL</c>
    /// (the keys come from the running model); triggers still on the table win, so the check reports them.
    /// </remarks>
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
                WITH f AS (SELECT coalesce(obj_description(to_regprocedure($1), 'pg_proc'), obj_description(to_regprocedure($3), 'pg_proc')) AS comment)
                SELECT f.comment,
                       (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = to_regclass($2) AND t.tgname LIKE 'signals\_capture\_%' AND obj_description(t.tgfoid, 'pg_proc') LIKE 'signals-capture:%'),
                       array(SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass($2) AND attnum > 0 AND NOT attisdropped),
                       EXISTS (SELECT FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid WHERE p.pubname = $4 AND r.prrelid = to_regclass($2))
                       AND coalesce((SELECT c.relreplident = 'f' FROM pg_class c WHERE c.oid = to_regclass($2)), false)
                FROM f
                """,
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = FunctionName(table, Operations[0].Name, again: false) + "()" });
            command.Parameters.Add(new NpgsqlParameter { Value = Qualified(table.Schema, table.Table) });
            command.Parameters.Add(new NpgsqlParameter { Value = PostgresFirstRevisionCapture.FunctionName(table) + "()" });
            command.Parameters.Add(new NpgsqlParameter { Value = table.Publication ?? string.Empty });
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            string? comment = reader.IsDBNull(0) ? null : reader.GetString(0);
            long triggers = reader.GetInt64(1);
            string[] columns = reader.GetFieldValue<string[]>(2);
            bool published = reader.GetBoolean(3);
            CapturedTable? installed = comment is not null && comment.StartsWith(Marker, StringComparison.Ordinal)
                ? CapturedTable.FromJson(comment[Marker.Length..])
                : null;
            if (installed is not null && triggers != (installed.Revision is null ? Operations.Length : 2 * Operations.Length))
            {
                installed = null;
            }

            // Logical replication: the keys come from the running model, so a table in the publication with the full old row is the
            // capture the model describes. Triggers left on it are reported instead (they would bump its keys a second time).
            return (installed ?? (published ? table : null), columns);
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The insert of the first capturing statement of a transaction: its keys. Before revision 4 it also recorded the floor for the later
    /// statements, joined to its keys; revision 4 records it in the trigger's <c>WHEN</c> clause (<see cref="FirstStatementWhen"/>).
    /// </summary>
    private static string InsertFirst(CapturedTable table, string helpers, string[] sources)
    {
        string keys = $"({KeySelects(table, sources, helpers)}) AS s(k)";
        string from = table.Revision >= 4 ? keys : $"{ComputedKeyDedupe.RecordFloor(Sequence(table))} AS floor,\n         {keys}";
        return $"""
                INSERT INTO {Qualified(table.OutboxSchema, table.Outbox)} ({Quote(table.OutboxKey)}, {Quote(table.OutboxCreatedAt)})
                SELECT {Distinct(table, sources)}{PostgresKeyExpressions.Checked(table, "s.k", helpers)}, now()
                FROM {from}
                WHERE s.k IS NOT NULL;
            """;
    }

    /// <summary>
    /// The <c>WHEN</c> clause of the first capturing statement's trigger: the transaction has no floor yet. From revision 4 it also records
    /// the floor, the outbox sequence's last value, as it is true (<c>set_config</c> returns the value it set, never null): PostgreSQL
    /// evaluates a statement trigger's <c>WHEN</c> as an expression when the statement ends, before the trigger's function runs and outside
    /// the plan cache, so after the pool's <c>DISCARD ALL</c> the floor costs no planning, where a <c>set_config</c> joined to the
    /// function's <c>INSERT</c> was planned with it (docs/capture.md, "What it costs"). PostgreSQL fires the triggers of one event in
    /// alphabetical order of their names (https://www.postgresql.org/docs/current/trigger-definition.html) and evaluates their <c>WHEN</c>
    /// clauses in that order as it queues them, before any of them runs, so the later statements' trigger, whose clause tests the floor,
    /// must sort first: <c>…_again</c> before <c>…_first</c> (PostgresCaptureTests counts the functions each statement runs).
    /// </summary>
    private static string FirstStatementWhen(CapturedTable table)
        => table.Revision >= 4
            ? $"coalesce(current_setting('{FloorSetting}', true), '') = '' AND {ComputedKeyDedupe.RecordFloor(Sequence(table))} IS NOT NULL"
            : $"coalesce(current_setting('{FloorSetting}', true), '') = ''";

    /// <summary>The outbox id sequence, qualified and delimited.</summary>
    private static string Sequence(CapturedTable table) => Qualified(table.OutboxSchema, SignalsTableNames.IdSequence(table.Outbox));

    /// <summary>
    /// The insert of a later capturing statement of the transaction: its keys that no outbox row of the transaction above the floor has.
    /// The look-up is written so that only the (key, id) index serves it, probed by key from the floor up: the floor as a row comparison
    /// <c>(key, id) &gt; (k, floor)</c> (which the id primary key cannot serve; with <c>key = k</c> it means <c>id &gt; floor</c>), and the
    /// transaction id with <c>IS NOT DISTINCT FROM</c> (the same for a column that is never null, and served by no index). Otherwise the
    /// planner may read every row of the transaction, from the xid index or every id above the floor from the primary key, on each
    /// statement: quadratic in an EF Core save of n rows, which sends n statements.
    /// </summary>
    private static string InsertAgain(CapturedTable table, string helpers, string[] sources)
    {
        string outbox = Qualified(table.OutboxSchema, table.Outbox);
        string xid = table.OutboxTransactionId ?? throw new InvalidOperationException($"The outbox of {table.Entity} maps no transaction id column, which PostgreSQL's capture needs.");
        string id = table.OutboxId ?? throw new InvalidOperationException($"The outbox of {table.Entity} maps no id column, which PostgreSQL's capture needs.");
        string key = Quote(table.OutboxKey);
        return $"""
                INSERT INTO {outbox} ({key}, {Quote(table.OutboxCreatedAt)})
                SELECT d.k, now()
                FROM (SELECT {Distinct(table, sources)}{PostgresKeyExpressions.Checked(table, "s.k", helpers)} FROM ({KeySelects(table, sources, helpers)}) AS s(k) WHERE s.k IS NOT NULL) AS d(k)
                {(table.Revision >= 3 ? ProbeFromFloor(outbox, key, Quote(id), Quote(xid)) : HistoryProbe(outbox, key, Quote(id), Quote(xid)))};
            """;
    }

    /// <summary>
    /// Revision 3's look-up of the keys the transaction has already bumped: from <c>(k, floor)</c> up on the (key, id) index, in a function
    /// declared with <c>SET enable_seqscan = off</c>. Revision 2's look-up was planned as an anti-join over a sequential scan of the whole
    /// outbox whenever the outbox looked small to the planner, and PL/pgSQL keeps that plan for the transaction's later statements while
    /// the outbox grows (docs/capture.md, "What it costs"); with <c>key = k</c> as its start, an index scan would read a hot key's whole
    /// history instead.
    /// </summary>
    private static string ProbeFromFloor(string outbox, string key, string id, string xid)
        => $"WHERE NOT EXISTS (SELECT FROM {outbox} o WHERE (o.{key}, o.{id}) > (d.k, current_setting('{FloorSetting}')::bigint) AND o.{key} <= d.k\n" +
           $"                      AND o.{xid} IS NOT DISTINCT FROM pg_current_xact_id())";

    /// <summary>Revision 2's look-up, kept so that a migration made with revision 2 creates the same triggers.</summary>
    private static string HistoryProbe(string outbox, string key, string id, string xid)
        => $"WHERE NOT EXISTS (SELECT FROM {outbox} o WHERE o.{key} = d.k AND (o.{key}, o.{id}) > (d.k, current_setting('{FloorSetting}')::bigint)\n" +
           $"                      AND o.{xid} IS NOT DISTINCT FROM pg_current_xact_id())";

    /// <summary>
    /// Every key of every row of the transition tables, one <c>SELECT</c> per key and table (one row for a key of literal text only):
    /// from revision 4 joined by <c>UNION</c>, which removes duplicates as it appends (about 13 µs less backend CPU per single-row update
    /// than <c>UNION ALL</c> under a <c>DISTINCT</c>, planned after every <c>DISCARD ALL</c>; docs/capture.md), before by <c>UNION ALL</c>.
    /// </summary>
    private static string KeySelects(CapturedTable table, string[] sources, string helpers)
        => string.Join(
            table.Revision >= 4 ? "\n             UNION " : "\n             UNION ALL ",
            table.Keys.SelectMany(_ => sources, (parts, source) => PostgresKeyExpressions.KeySelect(parts, source, helpers, table.Revision)));

    /// <summary>
    /// <c>DISTINCT </c>, or nothing from revision 4 when <see cref="KeySelects"/> joins several selects by <c>UNION</c>, which has removed
    /// the duplicates already.
    /// </summary>
    private static string Distinct(CapturedTable table, string[] sources)
        => table.Revision >= 4 && table.Keys.Count * sources.Length > 1 ? string.Empty : "DISTINCT ";

    /// <summary>The trigger function of an operation (first or later statement of a transaction).</summary>
    private static string FunctionName(CapturedTable table, string operation, bool again)
        => Qualified(table.Schema, $"signals_capture_{table.Table}_{operation}{(again ? "_again" : string.Empty)}");

    /// <summary>
    /// The trigger of an operation (first or later statement of a transaction) in a revision: revision 4 names the first statement's
    /// <c>…_first</c>, so that it sorts after <c>…_again</c> (see <see cref="FirstStatementWhen"/>); earlier revisions named it after the operation alone.
    /// </summary>
    private static string TriggerName(string operation, bool again, int? revision)
        => again ? $"signals_capture_{operation}_again" : revision >= 4 ? $"signals_capture_{operation}_first" : $"signals_capture_{operation}";

    /// <summary>
    /// Drops every trigger any revision named on <paramref name="target"/>: before a revision's triggers are created (a migration may
    /// replace any revision with any other, its <c>Down</c> included) and when capture ends.
    /// </summary>
    private static IEnumerable<string> DropTriggers(string target)
        => Operations.SelectMany(
            static o => (string[])[TriggerName(o.Name, again: false, revision: null), TriggerName(o.Name, again: false, revision: 4), TriggerName(o.Name, again: true, revision: 4)],
            (_, trigger) => $"DROP TRIGGER IF EXISTS {trigger} ON {target}");

    /// <summary>A statement trigger's <c>REFERENCING</c> list for its transition tables (<c>signals_old</c>, <c>signals_new</c>).</summary>
    internal static string Referencing(string[] sources)
        => string.Join(' ', sources.Select(static s => s == "signals_new" ? "NEW TABLE AS signals_new" : "OLD TABLE AS signals_old"));

    /// <summary><c>"schema"."name"</c>, <c>"name"</c>, or for an empty name the schema prefix (<c>"schema".</c> or nothing).</summary>
    internal static string Qualified(string? schema, string name)
        => name.Length == 0 ? (schema is null ? string.Empty : Quote(schema) + ".") : (schema is null ? Quote(name) : $"{Quote(schema)}.{Quote(name)}");

    /// <summary><c>"identifier"</c>, quotes doubled.</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary><c>'text'</c>, quotes doubled.</summary>
    internal static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
