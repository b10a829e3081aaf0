using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Reads the captured tables' committed changes from the outbox's <c>pgoutput</c> replication slot (<see cref="PostgresPublication"/>)
/// and writes their keys into the outbox (<see cref="CaptureBatch"/>), then lets the slot forget them and wakes the dispatchers as a
/// local save does (<see cref="OutboxSignaler.OnCommitted"/>).
/// </summary>
/// <remarks>
/// <para>
/// Every instance runs one; PostgreSQL lets one connection read a slot at a time, so the others wait on standby and try again every
/// <c>standbyRetry</c>: when the reader stops, one of them takes over where the slot was left. The migration creates the slot
/// (<see cref="PostgresPublication.CreateSlot"/>); an instance that finds none (a slot dropped by hand) creates it, and the changes
/// committed without a slot are not captured (https://www.postgresql.org/docs/current/logicaldecoding-explanation.html#LOGICALDECODING-REPLICATION-SLOTS).
/// </para>
/// <para>
/// Two loops share the connection through a bounded channel: the reader turns each transaction (begin to commit) into a
/// <see cref="CapturedCommit"/>; the writer takes every commit waiting, up to <see cref="MaxBatchRows"/> rows, writes their keys in one
/// transaction, and only then reports the last commit's end as flushed (<see cref="ReplicationConnection.SetReplicationStatus"/>; Npgsql
/// sends it with its next status update). So no change is forgotten before its keys commit: after a crash, a lost connection or a
/// takeover the slot sends again what was not reported, and those keys are bumped a second time (a version, not a change). While
/// nothing is pending for a while, the writer reports the stream's last position too, so that writes to tables outside the
/// publication do not make the slot keep the server's WAL.
/// </para>
/// </remarks>
internal sealed class ReplicationConsumer : ICaptureConsumer
{
    /// <summary>The most rows (old and new) one outbox write takes, across commits; a larger transaction is written whole.</summary>
    private const int MaxBatchRows = 10_000;

    /// <summary>How many transactions the reader may run ahead of the writer.</summary>
    private const int PendingCommits = 1_024;

    /// <summary>How long the writer waits with nothing pending before it reports the stream's position.</summary>
    private static readonly TimeSpan IdleReport = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _publication;
    private readonly Dictionary<string, CapturedTable> _tables;
    private readonly Dictionary<CapturedTable, string> _statements = new(ReferenceEqualityComparer.Instance);
    private readonly OutboxSignaler _signaler;
    private readonly OutboxDispatcherStatus.WakeupStatus _status;
    private readonly TimeSpan _standbyRetry;
    private readonly RetryBackoff _backoff;
    private readonly ILogger _logger;
    private readonly HashSet<string> _warnedNoOldRow = new(StringComparer.Ordinal);
    private long _received;
    private bool _inTransaction;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="connectionString">The context's connection string; its user needs the <c>REPLICATION</c> attribute.</param>
    /// <param name="dataSource">The dispatcher's data source, for the outbox writes.</param>
    /// <param name="tables">The tables the model captures by logical replication, all in one publication.</param>
    /// <param name="signaler">Rung after each write.</param>
    /// <param name="status">Where the consumer reports whether it reads the slot (or waits on standby).</param>
    /// <param name="standbyRetry">How often an instance on standby tries to take the slot.</param>
    /// <param name="maxRetryDelay">The longest wait between attempts after a failure.</param>
    /// <param name="logger">The dispatcher's logger.</param>
    public ReplicationConsumer(
        string connectionString,
        NpgsqlDataSource dataSource,
        IReadOnlyCollection<CapturedTable> tables,
        OutboxSignaler signaler,
        OutboxDispatcherStatus.WakeupStatus status,
        TimeSpan standbyRetry,
        TimeSpan maxRetryDelay,
        ILogger logger)
    {
        _connectionString = connectionString;
        _dataSource = dataSource;
        _publication = tables.First().Publication!;
        _tables = tables.ToDictionary(static t => Name(t.Schema ?? "public", t.Table), StringComparer.Ordinal);
        foreach (CapturedTable table in tables)
        {
            _statements[table] = CaptureBatch.Statement(table);
        }

        _signaler = signaler;
        _status = status;
        _standbyRetry = standbyRetry;
        _backoff = new RetryBackoff(SignalsOutboxOptions.InitialRetryDelay, maxRetryDelay);
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? slot = null;
        bool standby = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                slot ??= PostgresPublication.SlotName(await ReadDatabaseAsync(cancellationToken).ConfigureAwait(false), _publication);
                await ConsumeAsync(slot, cancellationToken).ConfigureAwait(false);
                standby = false;
                delay = _backoff.Next();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                // Another instance reads the slot: healthy, on standby.
                _status.Connected(true);
                delay = _standbyRetry;
                if (!standby)
                {
                    standby = true;
                    ReplicationLog.Standby(_logger, slot!, delay);
                }
            }
            catch (Exception exception)
            {
                standby = false;
                delay = _backoff.Next();
                _status.Connected(false, exception);
                ReplicationLog.Failed(_logger, slot ?? _publication, delay, exception);
            }

            if (!await RetryBackoff.WaitAsync(delay, TimeProvider.System, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private static string Name(string schema, string table) => $"{schema}.{table}";

    /// <summary>
    /// The captured table a relation is, or <see langword="null"/> when the model does not capture it this way or the table lacks a column
    /// its keys read (renamed or dropped outside a migration): PostgreSQL decodes a change with the columns the table had when it was
    /// written, so such a change could never give its keys, and waiting for it would stop every later change. Its changes are skipped
    /// and logged instead (event 135, Error), as the start-up check reports the table (Unhealthy) at the next start.
    /// </summary>
    private CapturedTable? Captured(RelationMessage relation)
    {
        CapturedTable? table = _tables.GetValueOrDefault(Name(relation.Namespace, relation.RelationName));
        if (table is null)
        {
            return null;
        }

        HashSet<string> columns = [.. relation.Columns.Select(static c => c.ColumnName)];
        if (table.Columns.FirstOrDefault(p => !columns.Contains(p.Column!)) is not { } missing)
        {
            return table;
        }

        ReplicationLog.ColumnMissing(_logger, CapturedTables.QualifiedName(table.Schema, table.Table), missing.Column!, $"{table.Entity}.{missing.Property}");
        return null;
    }

    private async Task<string> ReadDatabaseAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = _dataSource.CreateCommand("SELECT current_database()");
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task ConsumeAsync(string slotName, CancellationToken cancellationToken)
    {
        await using var connection = new LogicalReplicationConnection(_connectionString);
        await connection.Open(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.CreatePgOutputReplicationSlot(slotName, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.NoExport, cancellationToken: cancellationToken).ConfigureAwait(false);
            ReplicationLog.SlotCreated(_logger, slotName);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // The slot exists: it holds every change since it was created.
        }

        _status.Connected(true);

        var pending = Channel.CreateBounded<CapturedCommit>(new BoundedChannelOptions(PendingCommits) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task writing = WriteLoopAsync(connection, pending.Reader, stop);
        Exception? readError = null;
        try
        {
            await ReadLoopAsync(connection, slotName, pending.Writer, stop.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            readError = exception;
            await stop.CancelAsync().ConfigureAwait(false);
        }

        pending.Writer.TryComplete();
        try
        {
            await writing.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (readError is not null)
        {
            // Stopped because the reader failed: its error is the one to report.
        }

        if (readError is not null)
        {
            ExceptionDispatchInfo.Throw(readError);
        }
    }

    private async Task ReadLoopAsync(LogicalReplicationConnection connection, string slotName, ChannelWriter<CapturedCommit> pending, CancellationToken cancellationToken)
    {
        var relations = new Dictionary<uint, Relation>();
        var options = new PgOutputReplicationOptions(_publication, PgOutputProtocolVersion.V1);
        CapturedCommit? commit = null;
        bool consuming = false;
        await foreach (PgOutputReplicationMessage message in connection.StartReplication(new PgOutputReplicationSlot(slotName), options, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _received);
            if (!consuming)
            {
                consuming = true;
                _backoff.Reset();
                ReplicationLog.Consuming(_logger, slotName, _publication);
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

    private async Task WriteLoopAsync(LogicalReplicationConnection connection, ChannelReader<CapturedCommit> pending, CancellationTokenSource stop)
    {
        CancellationToken cancellationToken = stop.Token;
        NpgsqlLogSequenceNumber reported = default;
        try
        {
            while (true)
            {
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    idle.CancelAfter(IdleReport);
                    try
                    {
                        if (!await pending.WaitToReadAsync(idle.Token).ConfigureAwait(false))
                        {
                            return;
                        }
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        reported = ReportIdle(connection, pending, reported);
                        continue;
                    }
                }

                var batch = new CaptureBatch(_statements);
                NpgsqlLogSequenceNumber end = reported;
                int commits = 0;
                while (batch.RowCount < MaxBatchRows && pending.TryRead(out CapturedCommit? commit))
                {
                    batch.Add(commit);
                    end = commit.End;
                    commits++;
                }

                if (batch.RowCount > 0)
                {
                    long started = Stopwatch.GetTimestamp();
                    await batch.WriteAsync(_dataSource, _logger, cancellationToken).ConfigureAwait(false);
                    _signaler.OnCommitted();
                    ReplicationLog.Wrote(_logger, batch.RowCount, commits, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                connection.SetReplicationStatus(end);
                reported = end;
            }
        }
        catch
        {
            // The reader must stop too: nothing after a failed write may be reported.
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// With nothing pending and no transaction being read, reports the stream's last position (a keepalive's, past writes to other
    /// tables), checked against a message arriving meanwhile. Safe even if a transaction's first message was received but not yet
    /// counted: the slot sends again every transaction that commits after the reported position.
    /// </summary>
    private NpgsqlLogSequenceNumber ReportIdle(LogicalReplicationConnection connection, ChannelReader<CapturedCommit> pending, NpgsqlLogSequenceNumber reported)
    {
        long received = Interlocked.Read(ref _received);
        NpgsqlLogSequenceNumber position = connection.LastReceivedLsn;
        if (position > reported && pending.Count == 0 && !Volatile.Read(ref _inTransaction) && received == Interlocked.Read(ref _received))
        {
            connection.SetReplicationStatus(position);
            return position;
        }

        return reported;
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
            ReplicationLog.NoOldRow(_logger, CapturedTables.QualifiedName(table.Schema, table.Table));
        }
    }
}
