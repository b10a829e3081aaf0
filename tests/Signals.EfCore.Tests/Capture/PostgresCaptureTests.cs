using System.Text.Json;
using Npgsql;
using Signals.EntityFrameworkCore.Tests.Model.Capture;

namespace Signals.EntityFrameworkCore.Tests.Capture;

/// <summary>
/// Capture triggers on a real PostgreSQL database: the keys they write equal the generated code's byte for byte over random values, and
/// every kind of write bumps them (SaveChanges once per key, ExecuteUpdate, ExecuteDelete, raw SQL, COPY) while a rollback bumps nothing.
/// </summary>
public sealed class PostgresCaptureTests(PostgresServer server)
{
    /// <summary>The columns of a raw insert into <c>captured_items</c>.</summary>
    internal const string ItemColumns = "(id, name, \"Number\", \"Big\", \"Small\", \"Count\", \"Tiny\", \"Flag\", \"Token\", \"Mood\", \"StoredMood\", \"Day\", \"Owner\")";

    /// <summary>Values for every column of <see cref="ItemColumns"/> after <c>id</c> and <c>name</c>.</summary>
    internal const string ItemValues = "0, 0, 0, 0, 0, false, gen_random_uuid(), 0, 'Happy', '2024-01-01', gen_random_uuid()";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    internal static CaptureDbContext CreateContext(string connectionString)
        => new(new DbContextOptionsBuilder<CaptureDbContext>().UseNpgsql(connectionString).UseSignals(s => s.UsePostgreSql()).Options);

    internal static async Task<string> CreateDatabaseAsync(PostgresServer server, string name)
    {
        string db = await server.CreateDatabaseAsync(name, Cancel);
        await using CaptureDbContext context = CreateContext(db);
        await context.Database.EnsureCreatedAsync(Cancel);
        return db;
    }

    [Fact]
    public async Task Trigger_keys_equal_the_generated_keys_byte_for_byte_over_random_values()
    {
        string db = await CreateDatabaseAsync(server, "capkeys");
        var values = new CaptureValues(Environment.TickCount);
        await using CaptureDbContext context = CreateContext(db);
        for (int i = 1; i <= 300; i++)
        {
            CapturedItem item = values.Item(i);
            var moment = new CapturedMoment { Id = i, At = values.Moment() };
            context.AddRange(item, moment);
            long before = await MaxIdAsync(db);
            await context.SaveChangesAsync(Cancel);
            string[] expected = [.. CaptureValues.KeysOf(item).Concat(CaptureValues.KeysOf(moment)).Order(StringComparer.Ordinal)];
            Assert.Equal(expected, await KeysAfterAsync(db, before));

            // A move: the old and the new arguments.
            string[] old = CaptureValues.KeysOf(item);
            CapturedItem moved = values.Item(i);
            context.Entry(item).CurrentValues.SetValues(moved);
            before = await MaxIdAsync(db);
            await context.SaveChangesAsync(Cancel);
            string[] both = [.. old.Union(CaptureValues.KeysOf(item)).Order(StringComparer.Ordinal)];
            Assert.Equal(both, await KeysAfterAsync(db, before));
        }
    }

    [Fact]
    public async Task A_save_of_several_statements_bumps_each_key_once_and_the_interceptor_stages_nothing_for_captured_entities()
    {
        string db = await CreateDatabaseAsync(server, "caponce");
        await using CaptureDbContext context = CreateContext(db);
        for (int i = 1; i <= 5; i++)
        {
            context.Items.Add(new CapturedItem { Id = i, Name = "same" });
        }

        await context.SaveChangesAsync(Cancel);

        string[] keys = await KeysAfterAsync(db, 0, distinct: false);
        Assert.Single(keys, "cap:items");
        Assert.Single(keys, "cap:s:same");
        Assert.Equal(keys.Distinct().Count(), keys.Length);
    }

    [Fact]
    public async Task Statements_of_one_transaction_bump_each_key_once_and_a_savepoint_rolled_back_takes_its_bumps_with_it()
    {
        string db = await CreateDatabaseAsync(server, "capstatements");
        await TestDatabase.ExecuteAsync(db, $"INSERT INTO captured_items {ItemColumns} VALUES (1, 'start', {ItemValues})");

        // The first statement records the floor; the later ones look for their keys above it; the savepoint's bump goes with it.
        long before = await MaxIdAsync(db);
        await TestDatabase.ExecuteAsync(db, $"""
            BEGIN;
            UPDATE captured_items SET name = 'a' WHERE id = 1;
            UPDATE captured_items SET name = 'a' WHERE id = 1;
            SAVEPOINT s;
            UPDATE captured_items SET name = 'b' WHERE id = 1;
            ROLLBACK TO SAVEPOINT s;
            UPDATE captured_items SET name = 'c' WHERE id = 1;
            DELETE FROM captured_items WHERE id = 1;
            INSERT INTO captured_items {ItemColumns} VALUES (1, 'a', {ItemValues});
            COMMIT;
            """);
        string[] keys = await KeysAfterAsync(db, before, distinct: false);
        Assert.Equal(keys.Distinct().Count(), keys.Length);
        Assert.Contains("cap:items", keys);
        Assert.Contains("cap:s:start", keys);
        Assert.Contains("cap:s:a", keys);
        Assert.Contains("cap:s:c", keys);
        Assert.DoesNotContain("cap:s:b", keys);

        // The transaction's first capturing statement rolled back to a savepoint: the next one is the first again, and bumps its keys.
        before = await MaxIdAsync(db);
        await TestDatabase.ExecuteAsync(db, """
            BEGIN;
            SAVEPOINT s;
            UPDATE captured_items SET name = 'x' WHERE id = 1;
            ROLLBACK TO SAVEPOINT s;
            UPDATE captured_items SET name = 'y' WHERE id = 1;
            UPDATE captured_items SET name = 'y' WHERE id = 1;
            COMMIT;
            """);
        keys = await KeysAfterAsync(db, before, distinct: false);
        Assert.Equal(keys.Distinct().Count(), keys.Length);
        Assert.Contains("cap:s:a", keys);
        Assert.Contains("cap:s:y", keys);
        Assert.DoesNotContain("cap:s:x", keys);

        // The next transaction starts without the floor: its statement bumps the keys again.
        before = await MaxIdAsync(db);
        await TestDatabase.ExecuteAsync(db, "UPDATE captured_items SET name = 'y' WHERE id = 1");
        Assert.Contains("cap:s:y", await KeysAfterAsync(db, before));
    }

    [Fact]
    public async Task ExecuteUpdate_ExecuteDelete_and_raw_SQL_bump_the_keys_of_the_rows_they_write()
    {
        string db = await CreateDatabaseAsync(server, "capbulk");
        await using (CaptureDbContext seed = CreateContext(db))
        {
            seed.Items.AddRange(new CapturedItem { Id = 1, Name = "a" }, new CapturedItem { Id = 2, Name = "b" }, new CapturedItem { Id = 3, Name = "c" });
            await seed.SaveChangesAsync(Cancel);
        }

        await using CaptureDbContext context = CreateContext(db);
        long before = await MaxIdAsync(db);
        await context.Items.Where(i => i.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(i => i.Name, "moved"), Cancel);
        Assert.Contains("cap:s:a", await KeysAfterAsync(db, before));
        Assert.Contains("cap:s:moved", await KeysAfterAsync(db, before));

        before = await MaxIdAsync(db);
        await context.Items.Where(i => i.Id >= 2).ExecuteDeleteAsync(Cancel);
        string[] deleted = await KeysAfterAsync(db, before);
        Assert.Contains("cap:s:b", deleted);
        Assert.Contains("cap:s:c", deleted);
        Assert.DoesNotContain("cap:s:moved", deleted);

        before = await MaxIdAsync(db);
        await TestDatabase.ExecuteAsync(db, "UPDATE captured_items SET name = 'x:y%z' WHERE id = 1");
        string[] raw = await KeysAfterAsync(db, before);
        Assert.Equal(["cap:items", "cap:s:moved", "cap:s:x%3Ay%25z"], raw.Where(k => k.StartsWith("cap:s:", StringComparison.Ordinal) || k == "cap:items"));
    }

    [Fact]
    public async Task A_rolled_back_write_bumps_nothing_and_a_write_with_InvalidateSignals_in_one_transaction_is_fine()
    {
        string db = await CreateDatabaseAsync(server, "caprollback");
        await using CaptureDbContext context = CreateContext(db);
        await using (var transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Items.Add(new CapturedItem { Id = 1, Name = "gone" });
            await context.SaveChangesAsync(Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        Assert.Empty(await KeysAfterAsync(db, 0));

        context.ChangeTracker.Clear();
        await using (var transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Items.Add(new CapturedItem { Id = 2, Name = "kept" });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([SignalKey.Create("cap:s", "kept"), SignalKey.Create("cap:other")], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        string[] keys = await KeysAfterAsync(db, 0, distinct: false);
        Assert.Contains("cap:s:kept", keys);
        Assert.Contains("cap:other", keys);
    }

    [Fact]
    public async Task Each_statement_runs_one_trigger_function_the_first_of_a_transaction_the_insert_and_later_ones_the_look_up()
    {
        string db = await CreateDatabaseAsync(server, "capfunctions");
        await TestDatabase.ExecuteAsync(db, $"INSERT INTO captured_items {ItemColumns} VALUES (1, 'start', {ItemValues})");
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Cancel);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(Cancel);

        // The transaction's own function calls (https://www.postgresql.org/docs/current/monitoring-stats.html, pg_stat_xact_user_functions).
        await ExecuteAsync(transaction, "SET LOCAL track_functions = 'pl'");
        await ExecuteAsync(transaction, "UPDATE captured_items SET name = 'a' WHERE id = 1");
        Assert.Equal((1, 0), await CallsAsync());
        string floor = await ScalarAsync("SELECT current_setting('signals.capture_floor')");
        await ExecuteAsync(transaction, "UPDATE captured_items SET name = 'b' WHERE id = 1");
        Assert.Equal((1, 1), await CallsAsync());
        Assert.Equal(floor, await ScalarAsync("SELECT current_setting('signals.capture_floor')"));
        await transaction.CommitAsync(Cancel);

        // The floor was the sequence's last value before the first statement's rows: every row of the transaction is above it.
        Assert.Equal(
            ["cap:s:a", "cap:s:b", "cap:s:start"],
            (await TestDatabase.ScalarAsync<string[]>(db, $"SELECT array_agg(DISTINCT key ORDER BY key) FROM signals_outbox WHERE id > {floor} AND key LIKE 'cap:s:%'"))!);

        async Task<(long First, long Again)> CallsAsync()
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT coalesce(sum(calls) FILTER (WHERE funcname = 'signals_capture_captured_items_update'), 0)::bigint,
                       coalesce(sum(calls) FILTER (WHERE funcname = 'signals_capture_captured_items_update_again'), 0)::bigint
                FROM pg_stat_xact_user_functions
                """,
                connection,
                transaction);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(Cancel);
            await reader.ReadAsync(Cancel);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        async Task<string> ScalarAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            return (string)(await command.ExecuteScalarAsync(Cancel))!;
        }
    }

    [Fact]
    public async Task A_later_statement_looks_up_a_hot_key_from_the_floor_up_not_through_its_history()
    {
        // 'cap:items' (every row's collection key) with 40,000 rows of other transactions: about 200 pages of the (key, id) index.
        string db = await CreateDatabaseAsync(server, "caphotkey");
        await TestDatabase.ExecuteAsync(db, $"""
            INSERT INTO captured_items {ItemColumns} VALUES (1, 'start', {ItemValues});
            INSERT INTO signals_outbox (key, created_at) SELECT 'cap:items', now() FROM generate_series(1, 40000);
            ANALYZE signals_outbox;
            """);
        long floor = await MaxIdAsync(db);
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Cancel);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(Cancel);

        // The first statement bumps the keys and records the floor; the second finds each of them above it and inserts nothing. Its
        // trigger's INSERT is explained by auto_explain, sent to this connection as a notice (https://www.postgresql.org/docs/current/auto-explain.html).
        await ExecuteAsync(transaction, "UPDATE captured_items SET name = 'a' WHERE id = 1");
        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        await ExecuteAsync(transaction, """
            LOAD 'auto_explain';
            SET LOCAL auto_explain.log_min_duration = 0;
            SET LOCAL auto_explain.log_nested_statements = on;
            SET LOCAL auto_explain.log_analyze = on;
            SET LOCAL auto_explain.log_buffers = on;
            SET LOCAL auto_explain.log_format = json;
            SET LOCAL auto_explain.log_level = notice;
            """);
        await ExecuteAsync(transaction, "UPDATE captured_items SET name = 'a' WHERE id = 1");
        await ExecuteAsync(transaction, "SET LOCAL auto_explain.log_min_duration = -1");
        await transaction.CommitAsync(Cancel);

        Assert.Equal(2, await TestDatabase.ScalarAsync<long>(db, $"SELECT count(*) FROM signals_outbox WHERE id > {floor} AND key IN ('cap:items', 'cap:s:a')"));
        string insert = Assert.Single(plans, p => p.Contains("INSERT INTO", StringComparison.Ordinal));
        using JsonDocument plan = JsonDocument.Parse(insert[insert.IndexOf('{', StringComparison.Ordinal)..]);
        JsonElement root = plan.RootElement.GetProperty("Plan");
        long buffers = root.GetProperty("Shared Hit Blocks").GetInt64() + root.GetProperty("Shared Read Blocks").GetInt64();
        Assert.True(buffers < 100, $"The second statement's look-up read {buffers} buffers: it read the hot key's history.\n{insert}");
    }

    [Fact]
    public async Task A_COPY_of_100_000_rows_bumps_every_key_in_one_statement()
    {
        string db = await CreateDatabaseAsync(server, "capcopy");
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Cancel);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using (NpgsqlBinaryImporter copy = await connection.BeginBinaryImportAsync(
            "COPY captured_items (id, name, \"Number\", \"Big\", \"Small\", \"Count\", \"Tiny\", \"Flag\", \"Token\", \"Mood\", \"StoredMood\", \"Day\", \"Owner\") FROM STDIN (FORMAT BINARY)", Cancel))
        {
            for (int i = 1; i <= 100_000; i++)
            {
                await copy.StartRowAsync(Cancel);
                await copy.WriteAsync((long)i, Cancel);
                await copy.WriteAsync("row" + i, Cancel);
                await copy.WriteAsync(0, Cancel);
                await copy.WriteAsync(0L, Cancel);
                await copy.WriteAsync((short)0, Cancel);
                await copy.WriteAsync(0L, Cancel);
                await copy.WriteAsync((short)0, Cancel);
                await copy.WriteAsync(false, Cancel);
                await copy.WriteAsync(Guid.Empty, Cancel);
                await copy.WriteAsync(0, Cancel);
                await copy.WriteAsync("Happy", Cancel);
                await copy.WriteAsync(new DateOnly(2024, 1, 1), Cancel);
                await copy.WriteAsync(Guid.Empty, Cancel);
            }

            await copy.CompleteAsync(Cancel);
        }

        TestContext.Current.SendDiagnosticMessage($"COPY of 100,000 captured rows: {watch.ElapsedMilliseconds} ms");
        long names = await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM signals_outbox WHERE key LIKE 'cap:s:row%'");
        Assert.Equal(100_000, names);
    }

    internal static Task<long> MaxIdAsync(string db) => TestDatabase.ScalarAsync<long>(db, "SELECT coalesce(max(id), 0) FROM signals_outbox");

    /// <summary>Runs a statement in an open transaction of a plain Npgsql connection (as psql would).</summary>
    private static async Task ExecuteAsync(NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, transaction.Connection, transaction);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    internal static async Task<string[]> KeysAfterAsync(string db, long id, bool distinct = true)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT key FROM signals_outbox WHERE id > $1", connection) { Parameters = { new() { Value = id } } };
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(Cancel);
        var keys = new List<string>();
        while (await reader.ReadAsync(Cancel))
        {
            keys.Add(reader.GetString(0));
        }

        return distinct ? [.. keys.Distinct().Order(StringComparer.Ordinal)] : [.. keys.Order(StringComparer.Ordinal)];
    }
}
