using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Signals.EntityFrameworkCore.Tests.Infrastructure;
using Signals.EntityFrameworkCore.Tests.Model.Capture;

namespace Signals.EntityFrameworkCore.Tests.Capture;

/// <summary>
/// Capture by logical replication on a real PostgreSQL server (<c>wal_level = logical</c>): a dispatcher reads the outbox's replication
/// slot and writes the keys every committed write gives, equal to the generated code's byte for byte; one instance reads the slot at a
/// time and another takes over; nothing committed while no instance ran is lost.
/// </summary>
public sealed class ReplicationCaptureTests(PostgresServer server)
{
    private const string ItemColumns = PostgresCaptureTests.ItemColumns;

    private const string ItemValues = PostgresCaptureTests.ItemValues;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replicated_keys_equal_the_generated_keys_byte_for_byte_over_random_values()
    {
        string db = await CreateDatabaseAsync("repkeys");
        await using ReplicationApp app = await ReplicationApp.StartAsync(db);
        var values = new CaptureValues(Environment.TickCount);
        await using ReplicatedCaptureDbContext context = CreateContext(db);
        for (int i = 1; i <= 100; i++)
        {
            CapturedItem item = values.Item(i);
            var moment = new CapturedMoment { Id = i, At = values.Moment() };
            context.AddRange(item, moment);
            long before = await PostgresCaptureTests.MaxIdAsync(db);
            await context.SaveChangesAsync(Cancel);
            string[] expected = [.. CaptureValues.KeysOf(item).Concat(CaptureValues.KeysOf(moment)).Order(StringComparer.Ordinal)];
            Assert.Equal(expected, await ReplicationApp.WaitForKeysAsync(db, before, expected.Length, $"seed {values.Seed}, item {i}"));

            // A move: the old and the new arguments.
            string[] old = CaptureValues.KeysOf(item);
            context.Entry(item).CurrentValues.SetValues(values.Item(i));
            before = await PostgresCaptureTests.MaxIdAsync(db);
            await context.SaveChangesAsync(Cancel);
            string[] both = [.. old.Union(CaptureValues.KeysOf(item)).Order(StringComparer.Ordinal)];
            Assert.Equal(both, await ReplicationApp.WaitForKeysAsync(db, before, both.Length, $"seed {values.Seed}, move of item {i}"));
        }
    }

    [Fact]
    public async Task A_raw_update_ExecuteDelete_and_a_save_bump_their_keys_once_and_a_rollback_bumps_nothing()
    {
        string db = await CreateDatabaseAsync("repwrites");
        await using ReplicationApp app = await ReplicationApp.StartAsync(db);
        await app.WaitForHealthAsync(HealthStatus.Healthy);
        await using ReplicatedCaptureDbContext context = CreateContext(db);
        for (int i = 1; i <= 5; i++)
        {
            context.Items.Add(new CapturedItem { Id = i, Name = "same" });
        }

        // One save of five rows: each key once, and nothing from the interceptor (the captured entity is not staged).
        await context.SaveChangesAsync(Cancel);
        string[] saved = await ReplicationApp.WaitForKeysAsync(db, 0, 1, "the save", distinct: false, until: k => k.Contains("cap:s:same"), logs: app.Logs);
        Assert.Equal(saved.Distinct().Count(), saved.Length);
        Assert.Single(saved, "cap:items");

        // A rollback bumps nothing: the next committed write's keys are the only ones after it.
        long before = await PostgresCaptureTests.MaxIdAsync(db);
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Cancel);
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(Cancel);
            await using (var command = new NpgsqlCommand("UPDATE captured_items SET name = 'rolled back' WHERE id = 1", connection, transaction))
            {
                await command.ExecuteNonQueryAsync(Cancel);
            }

            await transaction.RollbackAsync(Cancel);
        }

        // A raw UPDATE through a plain connection (as psql would) moves a row: the old and the new name.
        await TestDatabase.ExecuteAsync(db, "UPDATE captured_items SET name = 'x:y%z' WHERE id = 1");
        string[] raw = await ReplicationApp.WaitForKeysAsync(db, before, 1, "the raw update", until: k => k.Contains("cap:s:x%3Ay%25z"));
        Assert.Contains("cap:s:same", raw);
        Assert.DoesNotContain("cap:s:rolled back", raw);

        // ExecuteDelete bumps the deleted rows' keys.
        before = await PostgresCaptureTests.MaxIdAsync(db);
        await context.Items.Where(i => i.Id >= 2).ExecuteDeleteAsync(Cancel);
        Assert.Equal(["cap:items", "cap:s:same"], (await ReplicationApp.WaitForKeysAsync(db, before, 2, "ExecuteDelete")).Where(k => k.StartsWith("cap:s:", StringComparison.Ordinal) || k == "cap:items"));

        // A write and InvalidateSignalsAsync in one transaction: both bumps arrive.
        before = await PostgresCaptureTests.MaxIdAsync(db);
        await using (var transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Items.Add(new CapturedItem { Id = 10, Name = "kept" });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([SignalKey.Create("cap:other")], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        string[] mixed = await ReplicationApp.WaitForKeysAsync(db, before, 2, "the mixed transaction", until: k => k.Contains("cap:s:kept"));
        Assert.Contains("cap:other", mixed);
    }

    [Fact]
    public async Task A_raw_move_on_a_plain_connection_reaches_the_hub_of_an_instance_that_is_not_reading_the_slot_for_both_keys()
    {
        string db = await CreateDatabaseAsync("repmove");
        await using ReplicationApp reader = await ReplicationApp.StartAsync(db);
        await reader.WaitForHealthAsync(HealthStatus.Healthy);
        await using ReplicationApp other = await ReplicationApp.StartAsync(db);
        SignalKey roomA = SignalKey.Create("cap:s", "room-a"), roomB = SignalKey.Create("cap:s", "room-b");

        // Watched, the hub holds both keys, and only the dispatcher moves them.
        using SignalSubscription watch = await HubAssert.WatchAsync(other.Hub, roomA, roomB);
        await TestDatabase.ExecuteAsync(db, $"INSERT INTO captured_items {ItemColumns} VALUES (1, 'room-a', {ItemValues})");

        // Every slot's walsender reads the whole server's WAL: beside another test's bulk insert the 10 s default wait is too short.
        await HubAssert.WaitForVersionAsync(other.Hub, roomA, timeout: ReplicationApp.Within);

        // A psql-style UPDATE moves the row from one name to another: the other instance hears of both.
        SignalVersion before = HubAssert.Held(other.Hub, roomA);
        await TestDatabase.ExecuteAsync(db, "UPDATE captured_items SET name = 'room-b' WHERE id = 1");
        await HubAssert.WaitForVersionAsync(other.Hub, roomA, before.Version + 1, ReplicationApp.Within);
        await HubAssert.WaitForVersionAsync(other.Hub, roomB, timeout: ReplicationApp.Within);
    }

    [Fact]
    public async Task Commits_that_arrive_within_the_batch_delay_share_one_outbox_transaction()
    {
        string db = await CreateDatabaseAsync("repdelay");
        await using ReplicationApp app = await ReplicationApp.StartAsync(db, batchDelay: TimeSpan.FromSeconds(1));
        await app.WaitForHealthAsync(HealthStatus.Healthy);

        // Five commits 50 ms apart, well within the second the consumer waits after the first arrives: one write, one transaction.
        // Without the wait each would be written on its own (a write takes a few milliseconds).
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Cancel);
            for (int i = 1; i <= 5; i++)
            {
                await using var command = new NpgsqlCommand($"INSERT INTO captured_items {ItemColumns} VALUES ({i}, 'batched{i}', {ItemValues})", connection);
                await command.ExecuteNonQueryAsync(Cancel);
                await Task.Delay(50, Cancel);
            }
        }

        string[] keys = await ReplicationApp.WaitForKeysAsync(db, 0, 5, "the five commits", until: k => k.Count(key => key.StartsWith("cap:s:batched", StringComparison.Ordinal)) == 5, logs: app.Logs);
        Assert.Equal(5, keys.Count(key => key.StartsWith("cap:s:batched", StringComparison.Ordinal)));
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(DISTINCT xid) FROM signals_outbox WHERE key LIKE 'cap:s:batched%'"));
        Assert.Single(app.Logs.Lines, l => l.Contains("captured rows (5 commits)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_instance_reads_the_slot_and_another_takes_over_when_it_stops_and_nothing_committed_meanwhile_is_lost()
    {
        string db = await CreateDatabaseAsync("reptakeover");
        ReplicationApp first = await ReplicationApp.StartAsync(db);
        await using ReplicationApp second = await ReplicationApp.StartAsync(db);
        await TestDatabase.ExecuteAsync(db, $"INSERT INTO captured_items {ItemColumns} VALUES (1, 'one', {ItemValues})");
        await ReplicationApp.WaitForKeysAsync(db, 0, 1, "the first write", until: k => k.Contains("cap:s:one"));
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database() AND active"));

        // The reader stops; a write commits while the other instance waits on standby: it takes the slot over and writes its keys.
        await first.DisposeAsync();
        long before = await PostgresCaptureTests.MaxIdAsync(db);
        await TestDatabase.ExecuteAsync(db, "UPDATE captured_items SET name = 'two' WHERE id = 1");
        string[] keys = await ReplicationApp.WaitForKeysAsync(db, before, 1, "the write after the takeover", until: k => k.Contains("cap:s:two"));
        Assert.Contains("cap:s:one", keys);

        // With no instance running, a write waits in the slot for the next one.
        await second.DisposeAsync();
        before = await PostgresCaptureTests.MaxIdAsync(db);
        await TestDatabase.ExecuteAsync(db, "UPDATE captured_items SET name = 'three' WHERE id = 1");
        await Task.Delay(500, Cancel);
        Assert.Empty(await PostgresCaptureTests.KeysAfterAsync(db, before));
        await using ReplicationApp third = await ReplicationApp.StartAsync(db);
        await ReplicationApp.WaitForKeysAsync(db, before, 1, "the write while no instance ran", until: k => k.Contains("cap:s:three"));
    }

    [Fact]
    public async Task The_health_check_lists_the_captured_tables_and_reports_a_table_taken_out_of_the_publication()
    {
        string db = await CreateDatabaseAsync("rephealth");
        await using (ReplicationApp app = await ReplicationApp.StartAsync(db))
        {
            HealthReport report = await app.WaitForHealthAsync(HealthStatus.Healthy);
            HealthReportEntry entry = report.Entries.Values.Single();
            Assert.Equal("captured_items, captured_moments", entry.Data[$"{nameof(ReplicatedCaptureDbContext)}.captured"]);
            Assert.Equal(true, entry.Data[$"{nameof(ReplicatedCaptureDbContext)}.replication"]);
        }

        await TestDatabase.ExecuteAsync(db, "ALTER PUBLICATION signals_outbox_capture DROP TABLE captured_items");
        await using ReplicationApp broken = await ReplicationApp.StartAsync(db);
        HealthReport unhealthy = await broken.WaitForHealthAsync(HealthStatus.Unhealthy);
        Assert.Contains("table 'captured_items' is not in the publication 'signals_outbox_capture' with REPLICA IDENTITY FULL", unhealthy.Entries.Values.Single().Description, StringComparison.Ordinal);
    }

    private static ReplicatedCaptureDbContext CreateContext(string connectionString)
        => new(new DbContextOptionsBuilder<ReplicatedCaptureDbContext>().UseNpgsql(connectionString).UseSignals(s => s.UsePostgreSql()).Options);

    private async Task<string> CreateDatabaseAsync(string name)
    {
        string db = await server.CreateDatabaseAsync(name, Cancel);
        await using ReplicatedCaptureDbContext context = CreateContext(db);
        await context.Database.EnsureCreatedAsync(Cancel);
        return db;
    }
}
