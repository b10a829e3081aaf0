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
/// <see cref="CapturedCommit"/>; the writer, once a commit arrives, waits <c>batchDelay</c> (<see cref="SignalsPostgreSqlOptions.ReplicationBatchDelay"/>) for
/// those that follow, then takes every commit waiting, up to <see cref="MaxBatchRows"/> rows, writes their keys in one
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
    private readonly ReplicationStream _stream;
    private readonly Dictionary<CapturedTable, string> _statements = new(ReferenceEqualityComparer.Instance);
    private readonly OutboxSignaler _signaler;
    private readonly OutboxDispatcherStatus.WakeupStatus _status;
    private readonly TimeSpan _standbyRetry;
    private readonly TimeSpan _batchDelay;
    private readonly RetryBackoff _backoff;
    private readonly ILogger _logger;
    private string? _slotName;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="connectionString">The context's connection string; its user needs the <c>REPLICATION</c> attribute.</param>
    /// <param name="dataSource">The dispatcher's data source, for the outbox writes.</param>
    /// <param name="tables">The tables the model captures by logical replication, all in one publication.</param>
    /// <param name="signaler">Rung after each write.</param>
    /// <param name="status">Where the consumer reports whether it reads the slot (or waits on standby).</param>
    /// <param name="standbyRetry">How often an instance on standby tries to take the slot.</param>
    /// <param name="batchDelay">How long the writer waits after a commit arrives, gathering those that follow, before it writes.</param>
    /// <param name="maxRetryDelay">The longest wait between attempts after a failure.</param>
    /// <param name="logger">The dispatcher's logger.</param>
    public ReplicationConsumer(
        string connectionString,
        NpgsqlDataSource dataSource,
        IReadOnlyCollection<CapturedTable> tables,
        OutboxSignaler signaler,
        OutboxDispatcherStatus.WakeupStatus status,
        TimeSpan standbyRetry,
        TimeSpan batchDelay,
        TimeSpan maxRetryDelay,
        ILogger logger)
    {
        _connectionString = connectionString;
        _dataSource = dataSource;
        _publication = tables.First().Publication!;
        _stream = new ReplicationStream(tables, _publication, logger);
        foreach (CapturedTable table in tables)
        {
            _statements[table] = CaptureBatch.Statement(table);
        }

        _signaler = signaler;
        _status = status;
        _standbyRetry = standbyRetry;
        _batchDelay = batchDelay;
        _backoff = new RetryBackoff(SignalsOutboxOptions.InitialRetryDelay, maxRetryDelay);
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        bool standby = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                _slotName ??= PostgresPublication.SlotName(await ReadDatabaseAsync(cancellationToken).ConfigureAwait(false), _publication);
                await ConsumeAsync(_slotName, cancellationToken).ConfigureAwait(false);
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
                    ReplicationLog.Standby(_logger, _slotName!, delay);
                }
            }
            catch (Exception exception)
            {
                standby = false;
                delay = _backoff.Next();
                _status.Connected(false, exception);
                ReplicationLog.Failed(_logger, _slotName ?? _publication, delay, exception);
            }

            if (!await RetryBackoff.WaitAsync(delay, TimeProvider.System, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>At the stream's first message: the slot is this instance's.</summary>
    private void Started()
    {
        _backoff.Reset();
        ReplicationLog.Consuming(_logger, _slotName!, _publication);
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
            await _stream.ReadAsync(connection, slotName, pending.Writer, Started, stop.Token).ConfigureAwait(false);
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

                if (_batchDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_batchDelay, cancellationToken).ConfigureAwait(false);
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
        long received = _stream.Received;
        NpgsqlLogSequenceNumber position = connection.LastReceivedLsn;
        if (position > reported && pending.Count == 0 && !_stream.InTransaction && received == _stream.Received)
        {
            connection.SetReplicationStatus(position);
            return position;
        }

        return reported;
    }
}
