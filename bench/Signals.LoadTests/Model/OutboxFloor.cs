using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Signals.LoadTests.Model;

/// <summary>
/// The physical floor of a transactional outbox, without any Signals code: the plain save plus a hand-written <c>INSERT</c> of one
/// outbox-shaped row per key, in the save's own batch (the same round trip and transaction), into <see cref="Table"/>, a table of
/// the same shape, defaults and indexes as the Signals outbox but with its own id sequence, which no dispatcher reads.
/// </summary>
/// <remarks>
/// What any outbox that writes in the application's transaction pays on this machine: one more heap row and its index entries,
/// a sequence draw, a larger commit record. Nothing is read, notified or woken. The keys are the ones Signals stages for the same
/// save (<c>bench:item:{Id}</c> per item, <c>bench:entries</c> for any entries), listed from the change tracker without detecting
/// changes again (EF Core has just done it).
/// </remarks>
public static class OutboxFloor
{
    /// <summary>The floor's outbox table.</summary>
    public const string Table = "floor_outbox";

    /// <summary>
    /// Creates <see cref="Table"/> like the Signals outbox (which must exist: <see cref="BenchDbContext.CreateSchemaAsync"/>), with
    /// the same column defaults and indexes, its id default drawing from a sequence of its own.
    /// </summary>
    /// <param name="connectionString">The database.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the table exists.</returns>
    public static async Task CreateTableAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            CREATE SEQUENCE {Table}_id_seq;
            CREATE TABLE {Table} (LIKE signals_outbox INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
            DO $$
            DECLARE expression text;
            BEGIN
                SELECT pg_get_expr(d.adbin, d.adrelid) INTO STRICT expression
                FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                WHERE d.adrelid = 'signals_outbox'::regclass AND a.attname = 'id';
                EXECUTE format('ALTER TABLE {Table} ALTER COLUMN id SET DEFAULT %s', replace(expression, 'signals_outbox_id_seq', '{Table}_id_seq'));
            END $$;
            """,
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Options for a floor context: the plain options plus the interceptor that appends the outbox rows.</summary>
    /// <param name="connectionString">The database.</param>
    /// <returns>The options.</returns>
    public static DbContextOptions<BenchDbContext> Options(string connectionString)
        => new DbContextOptionsBuilder<BenchDbContext>().UseNpgsql(connectionString).AddInterceptors(new Appender()).Options;

    /// <summary>Appends the outbox insert to the first command of each save (one command, or the first in the save's transaction).</summary>
    private sealed class Appender : DbCommandInterceptor
    {
        private const string OneKey = $"INSERT INTO {Table} (key, created_at) VALUES (@floor_key, @floor_created_at);";
        private const string Keys = $"INSERT INTO {Table} (key, created_at) SELECT k, @floor_created_at FROM unnest(@floor_keys) AS k;";

        private readonly ConditionalWeakTable<DbTransaction, object> _appended = [];

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Append(command, eventData);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Append(command, eventData);
            return ValueTask.FromResult(result);
        }

        private void Append(DbCommand command, CommandEventData eventData)
        {
            if (eventData.CommandSource != CommandSource.SaveChanges || eventData.Context is not { } context
                || (command.Transaction is { } transaction && !_appended.TryAdd(transaction, transaction)))
            {
                return;
            }

            string[] keys = KeysOf(context);
            if (keys.Length == 0)
            {
                return;
            }

            string text = command.CommandText.TrimEnd();
            command.CommandText = $"{text}{(text.EndsWith(';') ? string.Empty : ";")}\n{(keys.Length == 1 ? OneKey : Keys)}";
            command.Parameters.Add(keys.Length == 1 ? new NpgsqlParameter<string>("floor_key", keys[0]) : new NpgsqlParameter<string[]>("floor_keys", keys));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("floor_created_at", DateTimeOffset.UtcNow));
        }

        /// <summary>The keys of the save's added and modified rows, listed without another <c>DetectChanges</c>.</summary>
        private static string[] KeysOf(DbContext context)
        {
            bool detect = context.ChangeTracker.AutoDetectChangesEnabled;
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            try
            {
                var keys = new List<string>();
                bool entries = false;
                foreach (var entry in context.ChangeTracker.Entries())
                {
                    if (entry.State is not (EntityState.Added or EntityState.Modified))
                    {
                        continue;
                    }

                    switch (entry.Entity)
                    {
                        case BenchItem item:
                            keys.Add($"bench:item:{item.Id}");
                            break;
                        case BenchEntry:
                            entries = true;
                            break;
                    }
                }

                if (entries)
                {
                    keys.Add("bench:entries");
                }

                return [.. keys];
            }
            finally
            {
                context.ChangeTracker.AutoDetectChangesEnabled = detect;
            }
        }
    }
}
