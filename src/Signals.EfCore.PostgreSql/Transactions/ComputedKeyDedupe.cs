using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// The outbox insert that moves a computed key once per transaction: a computed key is skipped when the outbox already holds a row of
/// it written by this same transaction, looked up in the database, so a row that any rollback undid (including a raw-SQL
/// <c>ROLLBACK TO SAVEPOINT</c>) can never cause a skip. Used by the command appender, <c>InvalidateSignals</c> and the keys a save
/// knows only after its data was written, whenever their keys include a computed one; other keys are inserted as before, once per write.
/// </summary>
/// <remarks>
/// <para>
/// "This transaction's rows" are the rows whose transaction id column equals <c>pg_current_xact_id_if_assigned()</c> (the top-level
/// transaction's id, also inside a savepoint; https://www.postgresql.org/docs/current/functions-info.html). The look-up is bounded by the
/// floor the capture triggers also keep (<see cref="FloorSetting"/>): the outbox id sequence's last value at the transaction's first
/// computed or captured write, recorded with <c>set_config(…, true)</c>, so it is probed by key from the floor up on the (key, id)
/// index: <c>(key, id) &gt; (k, floor) AND key &lt;= k</c>, which means <c>key = k AND id &gt; floor</c> but only the (key, id) index can
/// serve (not the id primary key, which would read every row above the floor) and which starts at <c>(k, floor)</c>. (With
/// <c>key = k</c> beside the row comparison, as the capture triggers' later statements wrote it in their revision 2, PostgreSQL 15 starts at the key's first
/// entry and reads its whole history: 257 buffers against 17 for a key of 40,000 rows, which ComputedTransactionTests checks.) Every id
/// the transaction draws after the floor is recorded is above it; a savepoint rollback that undoes the setting also undoes every row written since it was set, and the next
/// write records a new floor. A floor that is too high only misses a row (the key moves twice, which costs a version, not a change);
/// no floor can make the look-up find a row of another transaction, which the transaction id excludes.
/// </para>
/// <para>
/// The appender's form keeps its guard <c>pg_current_xact_id_if_assigned() IS NOT NULL</c> (see <see cref="PostgresCommandAppender"/>):
/// the look-up reads the transaction id with the same function, which never assigns one, so it cannot make the guard pass. A
/// transaction with no id yet has written no row, so the look-up rightly finds none.
/// </para>
/// </remarks>
internal static class ComputedKeyDedupe
{
    /// <summary>
    /// The transaction-local setting that holds the outbox id floor of the transaction's rows: set by the first capturing trigger
    /// statement or the first write of a computed key, whichever comes first.
    /// </summary>
    internal const string FloorSetting = "signals.capture_floor";

    private const string SqlAnnotation = "Signals:PostgresComputedDedupe";
    private const string GuardedAnnotation = "Signals:PostgresComputedDedupeGuarded";
    private const string KeysParameter = "signals_keys";
    private const string ComputedParameter = "signals_computed";
    private const string CreatedAtParameter = "signals_created_at";

    /// <summary>
    /// The SQL expression that records the floor if the transaction has none yet and returns it (text): the setting, else the last
    /// value of <paramref name="sequence"/>, else <c>0</c> for a sequence never drawn from.
    /// </summary>
    /// <param name="sequence">The outbox id sequence, delimited and qualified (<c>"schema"."name"</c>); written as a <c>regclass</c> literal.</param>
    internal static string RecordFloor(string sequence)
        => $"set_config('{FloorSetting}', coalesce(nullif(current_setting('{FloorSetting}', true), ''), pg_sequence_last_value('{sequence.Replace("'", "''", StringComparison.Ordinal)}')::text, '0'), true)";

    /// <summary>
    /// Builds the statements that write one outbox row per key now (<see cref="OutboxProvider.WriteNowAsync"/> on PostgreSQL): the
    /// deduping insert without the appender's guard when a key is computed, else the neutral statements.
    /// </summary>
    /// <param name="context">A context whose model maps the outbox.</param>
    /// <param name="keys">The distinct keys, at least one.</param>
    internal static List<(string Sql, object[] Parameters)> BuildInsert(DbContext context, IReadOnlyCollection<SignalKey> keys)
        => TryGetParameters(keys, out NpgsqlParameter[]? parameters)
            ? [(Insert(context, guarded: false), parameters)]
            : OutboxInsertStatements.Build(context, keys);

    /// <summary>
    /// Gets the deduping insert of the context's model, built once per model: the keys in the <c>text[]</c> parameter
    /// <c>@signals_keys</c>, whether each is computed in the <c>boolean[]</c> parameter <c>@signals_computed</c>, the timestamp in
    /// <c>@signals_created_at</c> (see <see cref="TryGetParameters"/>).
    /// </summary>
    /// <param name="context">A context whose model maps the outbox.</param>
    /// <param name="guarded">
    /// Whether the rows go in only if a statement before them in the transaction wrote (the appender's guard, see
    /// <see cref="PostgresCommandAppender"/>); <see langword="false"/> for a write of its own (<c>InvalidateSignals</c>).
    /// </param>
    /// <returns>The statement, ending with a semicolon.</returns>
    internal static string Insert(DbContext context, bool guarded) => guarded
        ? context.Model.GetOrAddRuntimeAnnotationValue(GuardedAnnotation, static c => Build(c!, guarded: true), context)
        : context.Model.GetOrAddRuntimeAnnotationValue(SqlAnnotation, static c => Build(c!, guarded: false), context);

    /// <summary>
    /// Gets the parameters of <see cref="Insert"/> for the keys, stamped now, when one of them is a computed signal's (which makes the write
    /// take the deduping insert); each key is classified once.
    /// </summary>
    /// <param name="keys">The write's distinct keys.</param>
    /// <param name="parameters">The parameters, or <see langword="null"/> when no key is computed.</param>
    /// <returns><see langword="true"/> when a key is computed; <see langword="false"/> at once, allocating nothing, when the catalog declares no computed signal.</returns>
    internal static bool TryGetParameters(IReadOnlyCollection<SignalKey> keys, [NotNullWhen(true)] out NpgsqlParameter[]? parameters)
    {
        parameters = null;
        if (!SignalCatalog.Registered.DeclaresComputed)
        {
            return false;
        }

        string[] values = new string[keys.Count];
        bool[] computed = new bool[keys.Count];
        bool any = false;
        int i = 0;
        foreach (SignalKey key in keys)
        {
            values[i] = key.Value;
            any |= computed[i++] = SignalCatalog.Registered.IsComputed(key);
        }

        if (!any)
        {
            return false;
        }

        parameters =
        [
            new NpgsqlParameter<string[]>(KeysParameter, values),
            new NpgsqlParameter<bool[]>(ComputedParameter, computed),
            new NpgsqlParameter<DateTimeOffset>(CreatedAtParameter, DateTimeOffset.UtcNow),
        ];
        return true;
    }

    private static string Build(DbContext context, bool guarded)
    {
        MappedTable outbox = MappedTable.FromModel(context, typeof(SignalOutboxEntry));
        string key = outbox.Column(nameof(SignalOutboxEntry.Key));
        string id = outbox.Column(nameof(SignalOutboxEntry.Id));
        string xid = outbox.Column(OutboxModel.TransactionIdProperty);
        string sequence = outbox.QuoteInSchema(SignalsTableNames.IdSequence(outbox.Name));
        return $"""
            {OutboxInsertStatements.InsertInto(context)} SELECT d.k, @{CreatedAtParameter}
            FROM {RecordFloor(sequence)} AS f(floor), unnest(@{KeysParameter}, @{ComputedParameter}) AS d(k, computed)
            WHERE {(guarded ? "pg_current_xact_id_if_assigned() IS NOT NULL AND " : string.Empty)}NOT (d.computed AND EXISTS (
                SELECT FROM {outbox.QuotedName} o
                WHERE (o.{key}, o.{id}) > (d.k, f.floor::bigint) AND o.{key} <= d.k AND o.{xid} IS NOT DISTINCT FROM pg_current_xact_id_if_assigned()));
            """;
    }
}
