using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Reads the PostgreSQL outbox over Npgsql (a pooled data source the dispatcher owns), by transaction id rather than by row id, so
/// that a row whose transaction commits after a row with a higher id is never skipped.
/// </summary>
/// <remarks>
/// <para>
/// Every read first reads the id sequence's last value, then takes a snapshot (<c>pg_current_snapshot()</c>, with the next transaction
/// id), then reads the rows.
/// The next read asks only for rows whose writer was listed as running in that snapshot or has an id at or above its xmax (running or
/// later: PostgreSQL's xmax is the latest completed id plus one, and it lists running ids only below it). Every other row's writer had
/// ended, so the row was visible to that snapshot and the read after it returned it.
/// Rows that became visible between the snapshot and the read come again in the next read (and never after it), which drops them: each
/// row is returned once.
/// Compacted state rows carry the transaction id of the cleanup that wrote them and are read the same way, so a row that retention
/// removed before this dispatcher read it still arrives.
/// </para>
/// <para>The settled cursor comes from <see cref="SettledCursorTracker"/>. Cleanup is serialized across instances by a transaction-level
/// advisory lock; an instance that finds it taken skips its turn.</para>
/// </remarks>
internal sealed class PostgresOutboxSource : IOutboxSource
{
    /// <summary>
    /// The snapshot, and the next transaction id: <c>age(xid)</c> measures from it (PostgreSQL's <c>GetStableLatestTransactionId</c>),
    /// so xmin plus the age of xmin is the next id, read without assigning one.
    /// </summary>
    private const string SnapshotSql = "SELECT s::text, age(xid(pg_snapshot_xmin(s))) FROM pg_current_snapshot() s";

    /// <summary>
    /// How many of the newest outbox rows the start-up read returns, so that the dispatcher knows the keys a change still in flight
    /// at start-up can be late behind (see <see cref="LoadAsync"/>).
    /// </summary>
    internal const int TailRows = 1_000;

    /// <summary>The first key of the cleanup's advisory lock (<c>'SIGC'</c>); the second is the hash of the outbox table's name.</summary>
    private const int CleanupLockClass = 0x53494743;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _outboxName;
    private readonly string _allocatedSql;
    private readonly string _highestStateSql;
    private readonly string _tailSql;
    private readonly string _changedStateSql;
    private readonly string _changedSql;
    private readonly string _cleanupSql;
    private readonly string _compactedThroughSql;
    private readonly string _reannounceSql;
    private readonly SettledCursorTracker _settled = new();
    private PostgresSnapshot? _since;
    private HashSet<long> _previousIds = [];

    /// <summary>Initializes a new instance.</summary>
    /// <param name="dataSource">The data source; disposed with this source.</param>
    /// <param name="tables">Where the Signals tables are.</param>
    /// <param name="kind">The dispatcher kind, for logs and health reports.</param>
    public PostgresOutboxSource(NpgsqlDataSource dataSource, SignalsTables tables, string kind)
    {
        _dataSource = dataSource;
        Kind = kind;
        MappedTable outbox = tables.Outbox;
        MappedTable state = tables.State;
        _outboxName = outbox.QuotedName;
        string id = outbox.Column(nameof(SignalOutboxEntry.Id));
        string key = outbox.Column(nameof(SignalOutboxEntry.Key));
        string createdAt = outbox.Column(nameof(SignalOutboxEntry.CreatedAt));
        string hash = outbox.Column(nameof(SignalOutboxEntry.Hash));
        string reannounced = outbox.Column(nameof(SignalOutboxEntry.ReannouncedId));
        string xid = outbox.Column(OutboxModel.TransactionIdProperty);
        string outboxRow = $"{id}, {key}, {createdAt}, {hash}, {reannounced}";
        string stateKey = state.Column(nameof(SignalStateEntry.Key));
        string stateVersion = state.Column(nameof(SignalStateEntry.Version));
        string stateHash = state.Column(nameof(SignalStateEntry.Hash));
        string stateUpdatedAt = state.Column(nameof(SignalStateEntry.UpdatedAt));
        string stateXid = state.Column(OutboxModel.TransactionIdProperty);
        string stateRow = $"{stateVersion}, {stateKey}, {stateUpdatedAt}, {stateHash}, NULL::bigint";

        _allocatedSql = $"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {outbox.QuoteInSchema(SignalsTableNames.IdSequence(outbox.Name))}";
        _highestStateSql = $"SELECT {stateRow} FROM {state.QuotedName} ORDER BY {stateVersion} DESC LIMIT 1";
        _tailSql = $"SELECT * FROM (SELECT {outboxRow} FROM {outbox.QuotedName} ORDER BY {id} DESC LIMIT {TailRows}) tail ORDER BY {id}";
        _changedStateSql = $"SELECT {stateRow} FROM {state.QuotedName} WHERE {stateXid} = ANY($1) OR {stateXid} >= $2";
        _changedSql = $"SELECT {outboxRow} FROM {outbox.QuotedName} WHERE {xid} = ANY($1) OR {xid} >= $2 ORDER BY {id}";
        _compactedThroughSql = $"SELECT coalesce(max({stateVersion}), 0) FROM {state.QuotedName}";
        _reannounceSql = $"""
            WITH written AS (
                INSERT INTO {outbox.QuotedName} ({key}, {createdAt}, {reannounced})
                SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::bigint[])
                ON CONFLICT ({reannounced}) WHERE {reannounced} IS NOT NULL DO NOTHING
                RETURNING 1
            )
            SELECT count(*)::int FROM written
            """;

        // The oldest rows by id (a bounded primary-key scan), of those the ones staged before the cutoff: latest per key into the
        // state table (the compacting transaction's id marks the row for running dispatchers), then deleted.
        _cleanupSql = $"""
            WITH doomed AS (
                SELECT {outboxRow} FROM (SELECT {outboxRow} FROM {outbox.QuotedName} ORDER BY {id} LIMIT $1) oldest WHERE {createdAt} < $2
            ), latest AS (
                SELECT DISTINCT ON ({key}) {outboxRow} FROM doomed ORDER BY {key}, {id} DESC
            ), compacted AS (
                INSERT INTO {state.QuotedName} AS s ({stateKey}, {stateVersion}, {stateHash}, {stateUpdatedAt})
                SELECT {key}, {id}, {hash}, {createdAt} FROM latest
                ON CONFLICT ({stateKey}) DO UPDATE SET {stateVersion} = excluded.{stateVersion}, {stateHash} = excluded.{stateHash},
                    {stateUpdatedAt} = excluded.{stateUpdatedAt}, {stateXid} = pg_current_xact_id()
                WHERE s.{stateVersion} < excluded.{stateVersion}
            ), deleted AS (
                DELETE FROM {outbox.QuotedName} WHERE {id} IN (SELECT {id} FROM doomed) RETURNING 1
            )
            SELECT count(*)::int FROM deleted
            """;
    }

    /// <inheritdoc/>
    public string Kind { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads no key's state (the hub reads the keys it needs when they are asked for): only the position — the sequence, the snapshot —,
    /// the state row of the highest compacted version (the resume floor, by its index) and the newest <see cref="TailRows"/> rows, so
    /// the time to start does not grow with the keys stored. The tail lets the dispatcher
    /// find a change that commits late behind one of them; a late change behind an older row (a transaction open across more than
    /// <see cref="TailRows"/> newer commits at this instance's start) is found by the instances that read that row, not by this one.
    /// </remarks>
    public async Task<OutboxProgress> LoadAsync(Action<OutboxRow> publish, CancellationToken cancellationToken)
    {
        NpgsqlBatch batch = CreateBatch(_allocatedSql, SnapshotSql, _highestStateSql, _tailSql);
        await using (batch.ConfigureAwait(false))
        {
            return await ReadAsync(batch, loading: true, publish, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<OutboxProgress> ReadChangesAsync(Action<OutboxRow> publish, CancellationToken cancellationToken)
    {
        PostgresSnapshot since = _since ?? throw new InvalidOperationException("The outbox source has not loaded yet.");
        NpgsqlBatch batch = CreateBatch(_allocatedSql, SnapshotSql, _changedStateSql, _changedSql);
        await using (batch.ConfigureAwait(false))
        {
            for (int i = 2; i < batch.BatchCommands.Count; i++)
            {
                NpgsqlBatchCommand command = batch.BatchCommands[i];
                command.Parameters.Add(new NpgsqlParameter<ulong[]> { TypedValue = since.InProgress, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Xid8 });
                command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = since.Xmax, NpgsqlDbType = NpgsqlDbType.Xid8 });
            }

            return await ReadAsync(batch, loading: false, publish, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<int> CleanupAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock($1, hashtext($2))", connection, transaction);
                await using (tryLock.ConfigureAwait(false))
                {
                    tryLock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = CleanupLockClass });
                    tryLock.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _outboxName });
                    if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                    {
                        return 0;
                    }
                }

                var cleanup = new NpgsqlCommand(_cleanupSql, connection, transaction);
                await using (cleanup.ConfigureAwait(false))
                {
                    cleanup.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchSize });
                    cleanup.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoff });
                    int deleted = (int)(await cleanup.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return deleted;
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>A late change another instance has already announced again (the unique index on the column) is skipped.</remarks>
    public async Task<int> ReannounceAsync(IReadOnlyList<OutboxRow> lateChanges, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = _dataSource.CreateCommand(_reannounceSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. lateChanges.Select(r => r.Key)] });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. lateChanges.Select(r => r.CreatedAt)] });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. lateChanges.Select(r => r.Id)] });
            return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <inheritdoc/>
    public async Task<long> ReadCompactedThroughAsync(CancellationToken cancellationToken)
    {
        NpgsqlCommand command = _dataSource.CreateCommand(_compactedThroughSql);
        await using (command.ConfigureAwait(false))
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private NpgsqlBatch CreateBatch(params string[] statements)
    {
        NpgsqlBatch batch = _dataSource.CreateBatch();
        foreach (string statement in statements)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        }

        return batch;
    }

    /// <summary>Runs a batch of: the sequence's last value, the snapshot and next transaction id, state rows, outbox rows; publishes the rows.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="loading">Whether the batch is the start-up load (the latest row of every key) rather than a read of changes.</param>
    /// <param name="publish">Receives each row.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    private async Task<OutboxProgress> ReadAsync(NpgsqlBatch batch, bool loading, Action<OutboxRow> publish, CancellationToken cancellationToken)
    {
        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            long allocated = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            PostgresSnapshot snapshot = PostgresSnapshot.Parse(reader.GetString(0));
            ulong nextXid = snapshot.Xmin + (ulong)reader.GetInt32(1);

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            long compacted = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                OutboxRow row = ReadRow(reader, OutboxRowKind.State);
                compacted = Math.Max(compacted, row.Id);
                publish(row);
            }

            // A row that committed between the previous read's snapshot and its rows comes again now: it is dropped.
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var ids = new HashSet<long>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                OutboxRow row = ReadRow(reader, loading ? OutboxRowKind.State : null);
                ids.Add(row.Id);
                if (!_previousIds.Contains(row.Id))
                {
                    publish(row);
                }
            }

            _previousIds = ids;
            _since = snapshot;
            return new OutboxProgress(_settled.Observe(allocated, nextXid, snapshot), compacted, allocated);
        }
    }

    /// <summary>Reads one row; its kind is <paramref name="kind"/>, or else a change or a reannouncement as its last column says.</summary>
    private static OutboxRow ReadRow(DbDataReader reader, OutboxRowKind? kind)
        => new(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            kind ?? (reader.IsDBNull(4) ? OutboxRowKind.Change : OutboxRowKind.Reannouncement));
}
