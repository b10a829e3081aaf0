using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// The value store on PostgreSQL: <c>signals_values</c> (<c>jsonb</c>) and the outbox row of each change, written in one transaction
/// on the context's connection, serialized per key by a transaction-level advisory lock.
/// </summary>
/// <remarks>
/// <para>
/// Every write first takes <c>pg_advisory_xact_lock('SIGV', hashtext(key))</c>, so writers of one key take turns and the outbox id
/// (drawn after the lock) orders their versions; in the same batch (one round trip: the statement's snapshot is taken once the lock
/// is held) it reads (and, for an increment, computes in the database with
/// <c>jsonb_set</c>) the new value, and writes the outbox row and the value row in one statement. Equality is <c>jsonb</c> equality
/// (key order and whitespace do not matter), and the hash is <see cref="SignalValueHash"/> of the value as PostgreSQL normalizes it.
/// A write runs in the context's execution strategy.
/// </para>
/// </remarks>
internal sealed class PostgresValueCommands : IValueCommands
{
    /// <summary>The first key of the per-key advisory lock: <c>'SIGV'</c>.</summary>
    private const int LockClass = 0x53494756;

    private static readonly ConditionalWeakTable<IModel, PostgresValueCommands> ByModel = [];

    private readonly string _get;
    private readonly string _readForSet;
    private readonly string _readForIncrement;
    private readonly string _write;
    private readonly string _delete;
    private readonly string _computed;

    private PostgresValueCommands(SignalsTables tables)
    {
        MappedTable values = tables.Values;
        MappedTable outbox = tables.Outbox;
        string key = values.Column(nameof(SignalValueEntry.Key));
        string value = values.Column(nameof(SignalValueEntry.Value));
        string hash = values.Column(nameof(SignalValueEntry.Hash));
        string version = values.Column(nameof(SignalValueEntry.Version));
        string updatedAt = values.Column(nameof(SignalValueEntry.UpdatedAt));
        string outboxId = outbox.Column(nameof(SignalOutboxEntry.Id));
        string outboxKey = outbox.Column(nameof(SignalOutboxEntry.Key));
        string outboxCreatedAt = outbox.Column(nameof(SignalOutboxEntry.CreatedAt));
        string outboxHash = outbox.Column(nameof(SignalOutboxEntry.Hash));
        string current = $"v.{value}::text, v.{version}, v.{hash}, v.{updatedAt}";

        _get = $"SELECT {value}::text, {version}, {hash}, {updatedAt} FROM {values.QuotedName} WHERE {key} = $1";

        // Columns: the new value as PostgreSQL normalizes it (NULL: not computable), then the stored row (NULLs: none).
        _readForSet = $"SELECT $2::jsonb::text, {current}, v.{value} = $2::jsonb FROM (SELECT 1) one LEFT JOIN {values.QuotedName} v ON v.{key} = $1";
        _readForIncrement = $"""
            SELECT CASE
                     WHEN v.{key} IS NULL THEN jsonb_set($2::jsonb, ARRAY[$3], to_jsonb((($2::jsonb) ->> $3)::bigint + $4))::text
                     WHEN jsonb_typeof(v.{value} -> $3) = 'number' AND (v.{value} ->> $3) ~ '^-?[0-9]+$'
                       THEN jsonb_set(v.{value}, ARRAY[$3], to_jsonb((v.{value} ->> $3)::bigint + $4))::text
                   END,
                   {current}, false
            FROM (SELECT 1) one LEFT JOIN {values.QuotedName} v ON v.{key} = $1
            """;
        _write = $"""
            WITH o AS (
                INSERT INTO {outbox.QuotedName} ({outboxKey}, {outboxCreatedAt}, {outboxHash}) VALUES ($1, $2, $3) RETURNING {outboxId}, {outboxCreatedAt}
            )
            INSERT INTO {values.QuotedName} AS v ({key}, {value}, {hash}, {version}, {updatedAt})
            SELECT $1, $4::jsonb, $3, {outboxId}, {outboxCreatedAt} FROM o
            ON CONFLICT ({key}) DO UPDATE SET {value} = excluded.{value}, {hash} = excluded.{hash}, {version} = excluded.{version},
                {updatedAt} = excluded.{updatedAt}
            RETURNING {version}
            """;
        _delete = $"""
            WITH d AS (DELETE FROM {values.QuotedName} WHERE {key} = $1 AND ($3::bigint IS NULL OR {version} = $3) RETURNING {key})
            INSERT INTO {outbox.QuotedName} ({outboxKey}, {outboxCreatedAt}) SELECT {key}, $2 FROM d RETURNING {outboxId}
            """;

        // The computed keys the value key moves (SignalCatalog.AddComputedKeys), in the write's transaction.
        _computed = $"INSERT INTO {outbox.QuotedName} ({outboxKey}, {outboxCreatedAt}) SELECT k, $2 FROM unnest($1::text[]) k";
    }

    /// <summary>Gets the commands for a context's model (built once per model).</summary>
    /// <param name="context">A context on PostgreSQL.</param>
    /// <returns>The commands.</returns>
    public static PostgresValueCommands For(DbContext context)
        => ByModel.GetValue(context.Model, _ => new PostgresValueCommands(SignalsTables.FromModel(context)));

    /// <inheritdoc/>
    public async Task<SignalValue<JsonElement>?> GetAsync(DbContext context, SignalKey key, CancellationToken cancellationToken)
    {
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand command = new(_get, (NpgsqlConnection)context.Database.GetDbConnection());
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Value });
            DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadValue(reader, key, 0) : null;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>The expected version is compared with the row read under the key's advisory lock, so no writer can come in between.</remarks>
    public Task<ValueWrite?> SetAsync(DbContext context, SignalKey key, JsonElement value, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
        => LockedAsync<(string? Next, SignalValue<JsonElement>? Stored, bool Same), ValueWrite?>(
            context,
            key,
            Command(_readForSet, key.Value, value.GetRawText()),
            (reader, ct) => ReadAsync(reader, key, ct),
            async (connection, read, ct) =>
            {
                if (expectedVersion is { } expected && (read.Stored?.Version ?? 0) != expected)
                {
                    return null;
                }

                return read.Same
                    ? new ValueWrite(read.Stored!, Changed: false)
                    : await WriteAsync(connection, key, read.Next!, now, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<ValueWrite> IncrementAsync(
        DbContext context, SignalKey key, string propertyName, long delta, JsonElement defaultValue, DateTimeOffset now, CancellationToken cancellationToken)
        => LockedAsync(
            context,
            key,
            Command(_readForIncrement, key.Value, defaultValue.GetRawText(), propertyName, delta),
            (reader, ct) => ReadAsync(reader, key, ct),
            async (connection, read, ct) =>
            {
                if (read.Next is null)
                {
                    throw new InvalidOperationException($"The value of '{key}' is not an object with an integer property '{propertyName}'.");
                }

                return delta == 0 && read.Stored is not null
                    ? new ValueWrite(read.Stored, Changed: false)
                    : await WriteAsync(connection, key, read.Next, now, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <inheritdoc/>
    /// <remarks>The expected version is compared by the delete itself, under the key's advisory lock.</remarks>
    public async Task<SignalVersion?> DeleteAsync(DbContext context, SignalKey key, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long? deleted = await LockedAsync(
            context,
            key,
            Command(_delete, key.Value, now, expectedVersion is { } expected ? expected : DBNull.Value),
            static async (reader, ct) => await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt64(0) : (long?)null,
            async (connection, version, ct) =>
            {
                if (version is not null)
                {
                    await WriteComputedAsync(connection, key, now, ct).ConfigureAwait(false);
                }

                return version;
            },
            cancellationToken).ConfigureAwait(false);
        return deleted is { } version ? new SignalVersion(key, version, null, now) : null;
    }

    /// <summary>
    /// In a transaction of its own, in the execution strategy: takes the key's advisory lock and runs <paramref name="first"/> in one
    /// batch (one round trip; the statement's snapshot is taken after the lock is held), reads its result with <paramref name="read"/>,
    /// then runs <paramref name="then"/> and commits.
    /// </summary>
    private static Task<T> LockedAsync<TRead, T>(
        DbContext context,
        SignalKey key,
        NpgsqlBatchCommand first,
        Func<DbDataReader, CancellationToken, Task<TRead>> read,
        Func<NpgsqlConnection, TRead, CancellationToken, Task<T>> then,
        CancellationToken cancellationToken)
        => context.Database.CreateExecutionStrategy().ExecuteAsync(
            async ct =>
            {
                IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var connection = (NpgsqlConnection)context.Database.GetDbConnection();
                    T result;
                    try
                    {
                        TRead firstResult;
                        NpgsqlBatchCommand lockKey = Command("SELECT pg_advisory_xact_lock($1, hashtext($2))", LockClass, key.Value);
                        var batch = new NpgsqlBatch(connection) { BatchCommands = { lockKey, first } };
                        await using (batch.ConfigureAwait(false))
                        {
                            DbDataReader reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                            await using (reader.ConfigureAwait(false))
                            {
                                await reader.NextResultAsync(ct).ConfigureAwait(false);
                                firstResult = await read(reader, ct).ConfigureAwait(false);
                            }
                        }

                        result = await then(connection, firstResult, ct).ConfigureAwait(false);
                    }
                    catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.NumericValueOutOfRange)
                    {
                        throw new OverflowException($"The new value of '{key}' does not fit in a 64-bit integer: {exception.MessageText}.", exception);
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return result;
                }
            },
            cancellationToken);

    private async Task<ValueWrite> WriteAsync(NpgsqlConnection connection, SignalKey key, string json, DateTimeOffset now, CancellationToken cancellationToken)
    {
        JsonElement value = Parse(json);
        string hash = SignalValueHash.Compute(value);
        var write = new NpgsqlBatch(connection) { BatchCommands = { Command(_write, key.Value, now, hash, json) } };
        await using (write.ConfigureAwait(false))
        {
            long version = (long)(await write.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await WriteComputedAsync(connection, key, now, cancellationToken).ConfigureAwait(false);
            return new ValueWrite(new SignalValue<JsonElement>(new SignalVersion(key, version, hash, now), value), Changed: true);
        }
    }

    /// <summary>Inserts the outbox rows of the computed keys a written value key moves, if any, in the write's transaction.</summary>
    private async Task WriteComputedAsync(NpgsqlConnection connection, SignalKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SignalKey[] keys = SignalCatalog.Registered.WithComputedKeys([key]);
        if (keys.Length == 1)
        {
            return;
        }

        var insert = new NpgsqlBatch(connection) { BatchCommands = { Command(_computed, keys[1..].Select(static k => k.Value).ToArray(), now) } };
        await using (insert.ConfigureAwait(false))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the row of <see cref="_readForSet"/> / <see cref="_readForIncrement"/>: the new value, the stored one, and whether they are equal.</summary>
    private static async Task<(string? Next, SignalValue<JsonElement>? Stored, bool Same)> ReadAsync(DbDataReader reader, SignalKey key, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        string? next = reader.IsDBNull(0) ? null : reader.GetString(0);
        SignalValue<JsonElement>? stored = reader.IsDBNull(1) ? null : ReadValue(reader, key, 1);
        return (next, stored, !reader.IsDBNull(5) && reader.GetBoolean(5));
    }

    private static SignalValue<JsonElement> ReadValue(DbDataReader reader, SignalKey key, int first)
        => new(
            new SignalVersion(key, reader.GetInt64(first + 1), reader.GetString(first + 2), reader.GetFieldValue<DateTimeOffset>(first + 3)),
            Parse(reader.GetString(first)));

    private static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (object parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
