using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// The PostgreSQL provider's appender: adds a save's outbox rows to the command EF Core sends for the save — one <c>INSERT … SELECT</c>
/// (of the key, or from <c>unnest</c> of the keys) after the data statements, in the same batch and so in the same transaction, with
/// no entities to track, no ids to read back and no round trip of its own. A scoped service and command interceptor of EF Core's
/// internal service provider, one per context.
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
/// <para>
/// The first command of each transaction carries the rows, and every command that runs in an implicit transaction of its own (no
/// transaction current or ambient), so each attempt of an execution strategy has them: a transaction begun during a save is a new
/// attempt (<see cref="TransactionStarted"/>).
/// </para>
/// <para>
/// A save whose keys include a computed signal's takes <see cref="ComputedKeyDedupe"/>'s insert instead, which moves each computed key
/// at most once per transaction; the other keys move once per save either way.
/// </para>
/// <para>The ids come from the outbox id default, which draws the transaction id before the sequence (INTERNALS.md, "Settled cursor").</para>
/// </remarks>
internal sealed class PostgresCommandAppender : IOutboxAppender, IDbCommandInterceptor, IDbTransactionInterceptor
{
    private const string KeyParameter = "signals_key";
    private const string KeysParameter = "signals_keys";
    private const string CreatedAtParameter = "signals_created_at";
    private const string SqlAnnotation = "Signals:PostgresOutboxInsert";

    private readonly CommandTextCache _commandText = new();
    private HashSet<SignalKey>? _keys;
    private bool _appended;

    /// <inheritdoc/>
    /// <remarks>Nothing is written yet: the keys wait for the save's first command, whose insert skips the computed keys the transaction moved.</remarks>
    public ValueTask StageAsync(DbContext context, HashSet<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        _keys = keys;
        _appended = false;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Whether a command of the save carried the rows; nothing to remember (the database holds the transaction's rows).</remarks>
    public bool Saved(DbContext context) => _keys is not null && _appended;

    /// <inheritdoc/>
    public int Unstage(DbContext context)
    {
        _keys = null;
        _appended = false;
        return 0;
    }

    /// <inheritdoc/>
    /// <remarks>The provider's <c>INSERT</c> statements on the context's connection (<see cref="ComputedKeyDedupe.BuildInsert"/>).</remarks>
    public ValueTask WriteNowAsync(DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
        => OutboxInsertStatements.ExecuteAsync(context, ComputedKeyDedupe.BuildInsert(context, keys), async, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Adds the outbox rows of the save in progress to the command (see the remarks on this type).</remarks>
    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        AppendTo(command, eventData);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>Adds the outbox rows of the save in progress to the command (see the remarks on this type).</remarks>
    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        AppendTo(command, eventData);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    /// <remarks>A transaction begun during a save is a new attempt (an execution-strategy retry): its first command gets the outbox rows again.</remarks>
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        _appended = false;
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>A transaction begun during a save is a new attempt (an execution-strategy retry): its first command gets the outbox rows again.</remarks>
    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        _appended = false;
        return ValueTask.FromResult(result);
    }

    private void AppendTo(DbCommand command, CommandEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(eventData);
        if (_keys is not { } keys
            || eventData.CommandSource != CommandSource.SaveChanges
            || eventData.Context is not { } context
            || (_appended && (command.Transaction is not null || ContextFacts.AmbientTransaction(context) is not null)))
        {
            return;
        }

        Append(command, context, keys);
        _appended = true;
    }

    /// <summary>Appends the insert of one outbox row per key to a command of the save.</summary>
    private void Append(DbCommand command, DbContext context, HashSet<SignalKey> keys)
    {
        if (ComputedKeyDedupe.TryGetParameters(keys, out NpgsqlParameter[]? computed))
        {
            // A computed key moves once per transaction: the insert skips one the transaction has already written.
            command.CommandText = _commandText.Append(command.CommandText, ComputedKeyDedupe.Insert(context, guarded: true));
            command.Parameters.AddRange(computed);
            return;
        }

        string insert = keys.Count == 1 ? Statements.For(context).OneKey : Statements.For(context).Keys;
        command.CommandText = _commandText.Append(command.CommandText, insert);
        if (keys.Count == 1)
        {
            // The set's own enumerator, not LINQ's First(), which would box one on every save.
            foreach (SignalKey key in keys)
            {
                command.Parameters.Add(new NpgsqlParameter<string>(KeyParameter, key.Value));
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

            command.Parameters.Add(new NpgsqlParameter<string[]>(KeysParameter, values));
        }

        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>(CreatedAtParameter, DateTimeOffset.UtcNow));
    }

    /// <summary>
    /// The two forms of the insert, for the model's table and column names: one key as a scalar (planned and run measurably cheaper
    /// than a set-returning function), several keys from <c>unnest</c> of one array parameter.
    /// </summary>
    private sealed class Statements
    {
        private Statements(DbContext context)
        {
            string into = OutboxInsertStatements.InsertInto(context);
            const string Guard = "WHERE pg_current_xact_id_if_assigned() IS NOT NULL;";
            OneKey = $"{into} SELECT @{KeyParameter}, @{CreatedAtParameter} {Guard}";
            Keys = $"{into} SELECT k, @{CreatedAtParameter} FROM unnest(@{KeysParameter}) AS k {Guard}";
        }

        public string OneKey { get; }

        public string Keys { get; }

        /// <summary>Gets the statements of the context's model (built once per model).</summary>
        public static Statements For(DbContext context)
            => context.Model.GetOrAddRuntimeAnnotationValue(SqlAnnotation, static c => new Statements(c!), context);
    }

    /// <summary>
    /// The command text with the insert appended, remembered for the last short text seen: a context saves the same shapes again and
    /// again (EF Core builds a new but equal string each time), and the concatenation is a small save's largest allocation of its own.
    /// Long texts (large batches, where it matters little) are not kept: a pooled context would hold them for good.
    /// </summary>
    private sealed class CommandTextCache
    {
        private const int MaxLength = 2_048;
        private string? _text;
        private string? _insert;
        private string? _appended;

        public string Append(string text, string insert)
        {
            if (ReferenceEquals(insert, _insert) && string.Equals(text, _text, StringComparison.Ordinal))
            {
                return _appended!;
            }

            string trimmed = text.TrimEnd();
            string appended = trimmed.EndsWith(';') ? $"{trimmed}\n{insert}" : $"{trimmed};\n{insert}";
            (_text, _insert, _appended) = text.Length <= MaxLength ? (text, insert, appended) : (null, null, null);
            return appended;
        }
    }
}
