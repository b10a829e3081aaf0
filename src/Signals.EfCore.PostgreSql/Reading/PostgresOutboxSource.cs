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
/// Every read is one round trip of two statements: the id sequence's last value, then one statement that returns its own snapshot
/// (<c>pg_current_snapshot()</c> is the statement's snapshot, with the next transaction id, read after the sequence) and the rows it
/// sees, so the snapshot and the rows agree exactly.
/// The next read asks only for rows whose writer was listed as running in that snapshot or has an id at or above its xmax (running or
/// later: PostgreSQL's xmax is the latest completed id plus one, and it lists running ids only below it). Every other row's writer had
/// ended, so the row was visible to that snapshot and that read returned it; a row it returned is never asked for again: each row is
/// returned once.
/// Compacted state rows carry the transaction id of the cleanup that wrote them and are read the same way, so a row that retention
/// removed before this dispatcher read it still arrives.
/// </para>
/// <para>The settled cursor comes from <see cref="SettledCursorTracker"/>. Cleanup is serialized across instances by a transaction-level
/// advisory lock; an instance that finds it taken skips its turn.</para>
/// </remarks>
internal sealed class PostgresOutboxSource : IOutboxSource
{
    /// <summary>
    /// The first row of a read's rows: its snapshot (in the key column), and the next transaction id as the age of the snapshot's xmin
    /// (in the id column): <c>age(xid)</c> measures from the next id (PostgreSQL's <c>GetStableLatestTransactionId</c>, read at its first
    /// call in the transaction, so after the sequence), so xmin plus the age of xmin is the next id, read without assigning one.
    /// </summary>
    private const string SnapshotRow =
        "SELECT 2 AS part, age(xid(pg_snapshot_xmin(s)))::bigint AS id, s::text AS key, NULL::timestamptz, NULL::text, NULL::bigint FROM pg_current_snapshot() s";

    /// <summary>
    /// Settings for the rest of a read's transaction (local to it, so no session state is left on the connection, behind PgBouncer or
    /// not): one generic plan for the prepared read, reused by every read on the connection, instead of a custom plan for each read's
    /// values (PostgreSQL's choice while a custom plan looks cheaper to it), whose planning costs several times what running the read
    /// does; and index scans of the <c>xid</c> indexes whatever the tables' size when the plan was made (a generic plan made while the
    /// outbox was nearly empty would otherwise scan it sequentially for good).
    /// </summary>
    private const string IndexPlans = "set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)";

    /// <summary>The <c>part</c> column of a read's rows: the snapshot (first), state rows, outbox rows (by id).</summary>
    private const int SnapshotPart = 2;

    private const int StatePart = 1;

    private const int OutboxPart = 0;

    /// <summary>
    /// How many of the newest outbox rows the start-up read returns, so that the dispatcher knows the keys a change still in flight
    /// at start-up can be late behind (see <see cref="LoadAsync"/>).
    /// </summary>
    internal const int TailRows = 1_000;

    /// <summary>The first key of the cleanup's advisory lock (<c>'SIGC'</c>); the second is the hash of the outbox table's name.</summary>
    private const int CleanupLockClass = 0x53494743;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _outboxName;
    private readonly string _loadAllocatedSql;
    private readonly string _allocatedSql;
    private readonly string _loadSql;
    private readonly string _changesSql;
    private readonly string _cleanupSql;
    private readonly string _compactedThroughSql;
    private readonly string _reannounceSql;
    private readonly SettledCursorTracker _settled = new();
    private PostgresSnapshot? _since;

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

        string allocated = $"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {outbox.QuoteInSchema(SignalsTableNames.IdSequence(outbox.Name))}";
        _loadAllocatedSql = allocated;
        _allocatedSql = allocated.Replace(" FROM ", $", {IndexPlans} FROM ", StringComparison.Ordinal);

        // Start-up: no key's state (the hub reads the keys it needs when they are asked for), only the state row of the highest
        // compacted version (the resume floor) and the newest TailRows outbox rows. Then: what committed since the previous snapshot.
        _loadSql = $"""
            {SnapshotRow}
            UNION ALL (SELECT {StatePart}, {stateRow} FROM {state.QuotedName} ORDER BY {stateVersion} DESC LIMIT 1)
            UNION ALL (SELECT {OutboxPart}, {outboxRow} FROM {outbox.QuotedName} ORDER BY {id} DESC LIMIT {TailRows})
            ORDER BY part DESC, id
            """;
        _changesSql = $"""
            {SnapshotRow}
            UNION ALL SELECT {StatePart}, {stateRow} FROM {state.QuotedName} WHERE {ChangedSince(stateXid)}
            UNION ALL SELECT {OutboxPart}, {outboxRow} FROM {outbox.QuotedName} WHERE {ChangedSince(xid)}
            ORDER BY part DESC, id
            """;
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
        // state table (the compacting transaction's id marks the row for running dispatchers), then deleted. The delete's redundant upper
        // bound lets PostgreSQL find them by a range scan of the primary key: without it, it joins against a sequential scan of the outbox.
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
                DELETE FROM {outbox.QuotedName} WHERE {id} <= (SELECT max({id}) FROM doomed) AND {id} IN (SELECT {id} FROM doomed) RETURNING 1
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
        NpgsqlBatch batch = CreateBatch(_loadAllocatedSql, _loadSql);
        await using (batch.ConfigureAwait(false))
        {
            return await ReadAsync(batch, loading: true, publish, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<OutboxProgress> ReadChangesAsync(Action<OutboxRow> publish, CancellationToken cancellationToken)
    {
        PostgresSnapshot since = _since ?? throw new InvalidOperationException("The outbox source has not loaded yet.");
        NpgsqlBatch batch = CreateBatch(_allocatedSql, _changesSql);
        await using (batch.ConfigureAwait(false))
        {
            NpgsqlParameterCollection parameters = batch.BatchCommands[1].Parameters;
            parameters.Add(new NpgsqlParameter<ulong[]> { TypedValue = since.InProgress, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Xid8 });
            parameters.Add(new NpgsqlParameter<ulong> { TypedValue = since.Xmax, NpgsqlDbType = NpgsqlDbType.Xid8 });
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

    /// <summary>A read: the sequence's last value first, then the rows (the snapshot, state rows, outbox rows).</summary>
    private NpgsqlBatch CreateBatch(string allocated, string rows)
    {
        NpgsqlBatch batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(allocated));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(rows));
        return batch;
    }

    /// <summary>Runs a read (see <see cref="CreateBatch"/>) and publishes its rows.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="loading">Whether the batch is the start-up load (the resume floor and the newest rows) rather than a read of changes.</param>
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
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.GetInt32(0) != SnapshotPart)
            {
                throw new InvalidOperationException("The outbox read returned no snapshot row first.");
            }

            PostgresSnapshot snapshot = PostgresSnapshot.Parse(reader.GetString(2));
            ulong nextXid = snapshot.Xmin + (ulong)reader.GetInt64(1);
            long compacted = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                bool state = reader.GetInt32(0) == StatePart;
                OutboxRow row = ReadRow(reader, state || loading ? OutboxRowKind.State : null);
                if (state)
                {
                    compacted = Math.Max(compacted, row.Id);
                }

                publish(row);
            }

            _since = snapshot;
            return new OutboxProgress(_settled.Observe(allocated, nextXid, snapshot), compacted, allocated);
        }
    }

    /// <summary>
    /// The filter of a read: rows written by a transaction listed as running in the previous snapshot (<c>$1</c>) or with an id at or
    /// above its xmax (<c>$2</c>); read through the <c>xid</c> index (see <see cref="IndexPlans"/>).
    /// </summary>
    private static string ChangedSince(string xid) => $"{xid} = ANY($1) OR {xid} >= $2";

    /// <summary>Reads one row (after its <c>part</c> column); its kind is <paramref name="kind"/>, or else a change or a reannouncement as its last column says.</summary>
    private static OutboxRow ReadRow(DbDataReader reader, OutboxRowKind? kind)
        => new(
            reader.GetInt64(1),
            reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            kind ?? (reader.IsDBNull(5) ? OutboxRowKind.Change : OutboxRowKind.Reannouncement));
}
