using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Adds a save's outbox rows to the command EF Core sends for the save on PostgreSQL: one <c>INSERT … SELECT</c> (of the key, or
/// from <c>unnest</c> of the keys) after the data statements, in the same batch and so in the same transaction, with no entities to track, no ids to read back and no
/// round trip of its own.
/// </summary>
/// <remarks>
/// <para>
/// A save of one statement runs without an explicit transaction (EF Core begins none for a single command); Npgsql sends the batch
/// with one <c>Sync</c>, so PostgreSQL runs its statements as one implicit transaction: an error in any of them rolls back all. What
/// an error cannot catch is an <c>UPDATE</c> or <c>DELETE</c> that matched no row, which EF Core reports as a concurrency failure
/// only after the batch has run. So the insert is guarded by <c>pg_current_xact_id_if_assigned() IS NOT NULL</c>: PostgreSQL assigns
/// a transaction id at the first row a transaction writes, so the rows go in only if a statement before them wrote. Inside a
/// transaction (EF Core's for several statements, or the application's) the guard changes nothing that the transaction's own
/// rollback would not.
/// </para>
/// <para>The ids come from the outbox id default, which draws the transaction id before the sequence (INTERNALS.md, "Settled cursor").</para>
/// </remarks>
internal static class PostgresOutboxAppender
{
    private const string KeyParameter = "signals_key";
    private const string KeysParameter = "signals_keys";
    private const string CreatedAtParameter = "signals_created_at";
    private const string SqlAnnotation = "Signals:PostgresOutboxInsert";

    /// <summary>Appends the insert of one outbox row per key to a command of the save.</summary>
    /// <param name="command">The command EF Core is about to execute for the save.</param>
    /// <param name="context">The saving context; its model maps the outbox.</param>
    /// <param name="keys">The save's distinct keys; at least one.</param>
    public static void Append(DbCommand command, DbContext context, HashSet<SignalKey> keys)
    {
        Statements statements = context.Model.GetOrAddRuntimeAnnotationValue(SqlAnnotation, static c => new Statements(c!), context);
        string text = command.CommandText.TrimEnd();
        string insert = keys.Count == 1 ? statements.OneKey : statements.Keys;
        command.CommandText = text.EndsWith(';') ? $"{text}\n{insert}" : $"{text};\n{insert}";

        if (keys.Count == 1)
        {
            // The set's own enumerator, not LINQ's First(), which would box one on every save.
            foreach (SignalKey key in keys)
            {
                command.Parameters.Add(CreateParameter(command, KeyParameter, key.Value));
            }
        }
        else
        {
            string[] values = new string[keys.Count];
            int i = 0;
            foreach (SignalKey key in keys)
            {
                values[i++] = key.Value;
            }

            command.Parameters.Add(CreateParameter(command, KeysParameter, values));
        }

        command.Parameters.Add(CreateParameter(command, CreatedAtParameter, DateTimeOffset.UtcNow));
    }

    private static DbParameter CreateParameter(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }

    /// <summary>
    /// The two forms of the insert, for the model's table and column names: one key as a scalar (planned and run measurably cheaper
    /// than a set-returning function), several keys from <c>unnest</c> of one array parameter.
    /// </summary>
    private sealed class Statements
    {
        public Statements(DbContext context)
        {
            string into = OutboxInsertStatements.InsertInto(context);
            const string Guard = "WHERE pg_current_xact_id_if_assigned() IS NOT NULL;";
            OneKey = $"{into} SELECT @{KeyParameter}, @{CreatedAtParameter} {Guard}";
            Keys = $"{into} SELECT k, @{CreatedAtParameter} FROM unnest(@{KeysParameter}) AS k {Guard}";
        }

        public string OneKey { get; }

        public string Keys { get; }
    }
}
