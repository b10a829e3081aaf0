using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// The reading half of <see cref="ReplicationConsumer"/>: turns the slot's <c>pgoutput</c> messages into <see cref="CapturedCommit"/>s,
/// one per committed transaction, holding only the captured tables' key columns, and hands them on in commit order. It counts the
/// messages it has taken and says whether it is inside a transaction, so that the writer can tell when it may report the stream's
/// position while idle.
/// </summary>
/// <param name="tables">The tables the model captures by logical replication.</param>
/// <param name="publication">Their publication.</param>
/// <param name="logger">The dispatcher's logger.</param>
internal sealed class ReplicationStream(IReadOnlyCollection<CapturedTable> tables, string publication, ILogger logger)
{
    private readonly Dictionary<string, CapturedTable> _tables = tables.ToDictionary(static t => CapturedTables.QualifiedName(t.Schema ?? "public", t.Table), StringComparer.Ordinal);
    private readonly HashSet<string> _warnedNoOldRow = new(StringComparer.Ordinal);
    private long _received;
    private bool _inTransaction;

    /// <summary>Gets how many messages the stream has taken so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Gets a value indicating whether the stream is between a transaction's begin and its commit.</summary>
    public bool InTransaction => Volatile.Read(ref _inTransaction);

    /// <summary>Reads the slot until the connection ends or <paramref name="cancellationToken"/> is canceled.</summary>
    /// <param name="connection">The open replication connection.</param>
    /// <param name="slotName">The slot.</param>
    /// <param name="pending">Where each committed transaction goes, in commit order.</param>
    /// <param name="started">Called once, at the first message: the slot is this instance's.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>A task that completes when the stream ends.</returns>
    /// <exception cref="Npgsql.PostgresException">PostgreSQL refused the slot (SQLSTATE <c>55006</c>: another connection reads it) or failed.</exception>
    public async Task ReadAsync(LogicalReplicationConnection connection, string slotName, ChannelWriter<CapturedCommit> pending, Action started, CancellationToken cancellationToken)
    {
        var relations = new Dictionary<uint, Relation>();
        var options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1);
        CapturedCommit? commit = null;
        bool consuming = false;
        await foreach (PgOutputReplicationMessage message in connection.StartReplication(new PgOutputReplicationSlot(slotName), options, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _received);
            if (!consuming)
            {
                consuming = true;
                started();
            }

            switch (message)
            {
                case BeginMessage:
                    Volatile.Write(ref _inTransaction, true);
                    commit = new CapturedCommit();
                    break;
                case RelationMessage relation:
                    relations[relation.RelationId] = Relation.Of(relation, Captured(relation));
                    break;
                case InsertMessage insert:
                    await AddAsync(commit!, relations[insert.Relation.RelationId], null, insert.NewRow, cancellationToken).ConfigureAwait(false);
                    break;
                case FullUpdateMessage update:
                    await AddAsync(commit!, relations[update.Relation.RelationId], update.OldRow, update.NewRow, cancellationToken).ConfigureAwait(false);
                    break;
                case IndexUpdateMessage update:
                    await SkipAsync(update.Key, cancellationToken).ConfigureAwait(false);
                    WarnNoOldRow(relations[update.Relation.RelationId].Table);
                    await AddAsync(commit!, relations[update.Relation.RelationId], null, update.NewRow, cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateMessage update:
                    WarnNoOldRow(relations[update.Relation.RelationId].Table);
                    await AddAsync(commit!, relations[update.Relation.RelationId], null, update.NewRow, cancellationToken).ConfigureAwait(false);
                    break;
                case FullDeleteMessage delete:
                    await AddAsync(commit!, relations[delete.Relation.RelationId], delete.OldRow, null, cancellationToken).ConfigureAwait(false);
                    break;
                case KeyDeleteMessage delete:
                    await SkipAsync(delete.Key, cancellationToken).ConfigureAwait(false);
                    WarnNoOldRow(relations[delete.Relation.RelationId].Table);
                    break;
                case CommitMessage end:
                    commit!.End = end.TransactionEndLsn;
                    await pending.WriteAsync(commit, cancellationToken).ConfigureAwait(false);
                    commit = null;
                    Volatile.Write(ref _inTransaction, false);
                    break;
            }
        }
    }

    /// <summary>
    /// The captured table a relation is, or <see langword="null"/> when the model does not capture it this way or the table lacks a column
    /// its keys read (renamed or dropped outside a migration): PostgreSQL decodes a change with the columns the table had when it was
    /// written, so such a change could never give its keys, and waiting for it would stop every later change. Its changes are skipped
    /// and logged instead (event 135, Error), as the start-up check reports the table (Unhealthy) at the next start.
    /// </summary>
    private CapturedTable? Captured(RelationMessage relation)
    {
        CapturedTable? table = _tables.GetValueOrDefault(CapturedTables.QualifiedName(relation.Namespace, relation.RelationName));
        if (table is null)
        {
            return null;
        }

        HashSet<string> columns = [.. relation.Columns.Select(static c => c.ColumnName)];
        if (table.Columns.FirstOrDefault(p => !columns.Contains(p.Column!)) is not { } missing)
        {
            return table;
        }

        ReplicationLog.ColumnMissing(logger, CapturedTables.QualifiedName(table.Schema, table.Table), missing.Column!, $"{table.Entity}.{missing.Property}");
        return null;
    }

    private static async Task AddAsync(
        CapturedCommit commit, Relation relation, ReplicationTuple? oldRow, ReplicationTuple? newRow, CancellationToken cancellationToken)
    {
        Dictionary<string, string?>? old = oldRow is null ? null : await ReadAsync(relation, oldRow, cancellationToken).ConfigureAwait(false);
        Dictionary<string, string?>? @new = newRow is null ? null : await ReadAsync(relation, newRow, cancellationToken).ConfigureAwait(false);
        if (relation.Table is not { } table)
        {
            return;
        }

        if (old is not null && @new is not null)
        {
            // A value PostgreSQL left out of the new row (unchanged, stored out of line) is the old row's.
            foreach ((string column, string? value) in old)
            {
                @new.TryAdd(column, value);
            }
        }

        commit.Changes.Add(new CapturedChange(table, old, @new));
    }

    /// <summary>Reads a row's key columns as text; a value PostgreSQL did not send (unchanged TOAST) is left out.</summary>
    private static async Task<Dictionary<string, string?>?> ReadAsync(Relation relation, ReplicationTuple row, CancellationToken cancellationToken)
    {
        Dictionary<string, string?>? values = relation.Table is null ? null : new(StringComparer.Ordinal);
        int index = 0;
        await foreach (ReplicationValue value in row.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            string? column = relation.KeyColumns[index++];
            if (values is not null && column is not null && !value.IsUnchangedToastedValue)
            {
                values[column] = value.IsDBNull ? null : await value.Get<string>(cancellationToken).ConfigureAwait(false);
            }
        }

        return values;
    }

    /// <summary>A relation of the stream: the captured table it is, if any, and for each of its columns the name when a key reads it.</summary>
    /// <param name="Table">The captured table, or <see langword="null"/> for a table the model does not capture this way.</param>
    /// <param name="KeyColumns">Per column in the stream's order: its name when the keys read it, else <see langword="null"/>.</param>
    private sealed record Relation(CapturedTable? Table, string?[] KeyColumns)
    {
        /// <summary>Describes a relation of the stream.</summary>
        /// <param name="message">PostgreSQL's description of the relation, sent before its first change and after each change of its columns.</param>
        /// <param name="table">The captured table, or <see langword="null"/>.</param>
        /// <returns>The relation.</returns>
        public static Relation Of(RelationMessage message, CapturedTable? table)
        {
            HashSet<string> read = table is null ? [] : [.. table.Columns.Select(static p => p.Column!)];
            return new Relation(table, [.. message.Columns.Select(c => read.Contains(c.ColumnName) ? c.ColumnName : null)]);
        }
    }

    private static async Task SkipAsync(ReplicationTuple row, CancellationToken cancellationToken)
    {
        await foreach (ReplicationValue _ in row.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    private void WarnNoOldRow(CapturedTable? table)
    {
        if (table is not null && _warnedNoOldRow.Add(table.Table))
        {
            ReplicationLog.NoOldRow(logger, CapturedTables.QualifiedName(table.Schema, table.Table));
        }
    }
}
