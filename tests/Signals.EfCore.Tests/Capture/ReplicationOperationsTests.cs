using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Signals.EntityFrameworkCore.Tests.Model.Capture;

namespace Signals.EntityFrameworkCore.Tests.Capture;

/// <summary>
/// Capture by logical replication as an operator meets it: switching a table between triggers and replication is a migration (idempotent;
/// the slot created outside the transaction, dropped with the publication's last table), a server without <c>wal_level = logical</c> is
/// reported naming the setting, a committed row whose key cannot be written (or whose key column was renamed under the running
/// dispatcher) is skipped and logged without stopping the others, and a bulk insert of 100,000 rows reaches the outbox.
/// </summary>
public sealed class ReplicationOperationsTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Switching_between_triggers_and_replication_is_an_idempotent_migration_that_creates_and_drops_the_slot()
    {
        string db = await PostgresCaptureTests.CreateDatabaseAsync(server, "repswitch");
        await using CaptureDbContext triggers = PostgresCaptureTests.CreateContext(db);
        await using var replicated = new ReplicatedCaptureDbContext(new DbContextOptionsBuilder<ReplicatedCaptureDbContext>().UseNpgsql(db).UseSignals(s => s.UsePostgreSql()).Options);
        IRelationalModel byTriggers = triggers.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        IRelationalModel byReplication = replicated.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        IMigrationsModelDiffer differ = replicated.GetService<IMigrationsModelDiffer>();
        Assert.True(differ.HasDifferences(byTriggers, byReplication));
        Assert.False(differ.HasDifferences(byReplication, byReplication));

        // Triggers to replication, twice: the second run changes nothing and fails nothing.
        IReadOnlyList<MigrationOperation> toReplication = differ.GetDifferences(byTriggers, byReplication);
        Assert.Contains(toReplication, o => o is SqlOperation { SuppressTransaction: true, Sql: var sql } && sql.Contains("pg_create_logical_replication_slot", StringComparison.Ordinal));
        await MigrateAsync(replicated, toReplication);
        await MigrateAsync(replicated, toReplication);
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'captured_items'::regclass AND tgname LIKE 'signals\\_capture\\_%'"));
        Assert.Equal(
            "captured_items, captured_moments",
            await TestDatabase.ScalarAsync<string>(db, "SELECT string_agg(tablename::text, ', ' ORDER BY tablename) FROM pg_publication_tables WHERE pubname = 'signals_outbox_capture'"));
        Assert.Equal("f", await TestDatabase.ScalarAsync<string>(db, "SELECT relreplident::text FROM pg_class WHERE oid = 'captured_items'::regclass"));
        Assert.Equal(1L, await SlotsAsync(db));

        // A raw write is captured through the slot the migration made.
        await using (ReplicationApp app = await ReplicationApp.StartAsync(db))
        {
            await TestDatabase.ExecuteAsync(db, $"INSERT INTO captured_items {PostgresCaptureTests.ItemColumns} VALUES (1, 'switched', {PostgresCaptureTests.ItemValues})");
            await ReplicationApp.WaitForKeysAsync(db, 0, 1, "the insert after the switch", until: k => k.Contains("cap:s:switched"), logs: app.Logs);
        }

        // And back: the triggers return, the publication and its slot go.
        IReadOnlyList<MigrationOperation> toTriggers = differ.GetDifferences(byReplication, byTriggers);
        await MigrateAsync(triggers, toTriggers);
        await MigrateAsync(triggers, toTriggers);
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM pg_publication WHERE pubname = 'signals_outbox_capture'"));
        Assert.Equal("d", await TestDatabase.ScalarAsync<string>(db, "SELECT relreplident::text FROM pg_class WHERE oid = 'captured_items'::regclass"));
        Assert.Equal(0L, await SlotsAsync(db));
        Assert.Equal(6L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'captured_items'::regclass AND tgname LIKE 'signals\\_capture\\_%'"));
    }

    [Fact]
    public async Task A_server_without_wal_level_logical_is_reported_unhealthy_naming_the_setting()
    {
        await using LocalPostgresServer replica = await LocalPostgresServer.StartAsync(durable: false, walLevel: "replica", cancellationToken: Cancel);
        string db = await replica.CreateDatabaseAsync("repwallevel", Cancel);
        await using (var context = new ReplicatedCaptureDbContext(new DbContextOptionsBuilder<ReplicatedCaptureDbContext>().UseNpgsql(db).UseSignals(s => s.UsePostgreSql()).Options))
        {
            // The schema goes in; only the slot cannot be made.
            InvalidOperationException failed = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Database.EnsureCreatedAsync(Cancel));
            PostgresException error = Assert.IsType<PostgresException>(failed.InnerException);
            Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, error.SqlState);
            Assert.Contains("wal_level", error.MessageText, StringComparison.Ordinal);
        }

        await using ReplicationApp app = await ReplicationApp.StartAsync(db);
        HealthReport report = await app.WaitForHealthAsync(HealthStatus.Unhealthy);
        Assert.Contains("wal_level = 'replica'", report.Entries.Values.Single().Description, StringComparison.Ordinal);
        Assert.Contains("wal_level = logical", report.Entries.Values.Single().Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_committed_row_whose_key_cannot_be_written_is_skipped_and_logged_and_the_others_arrive()
    {
        string db = await CreateDatabaseAsync("repunwritable");
        await using ReplicationApp app = await ReplicationApp.StartAsync(db);
        await app.WaitForHealthAsync(HealthStatus.Healthy);

        // One transaction: a row whose name (an argument of 'cap:s:{Name}') is empty, which no key can hold, and a good row.
        await TestDatabase.ExecuteAsync(db, $"INSERT INTO captured_items {PostgresCaptureTests.ItemColumns} VALUES (1, '', {PostgresCaptureTests.ItemValues}), (2, 'good', {PostgresCaptureTests.ItemValues})");
        string[] keys = await ReplicationApp.WaitForKeysAsync(db, 0, 1, "the good row", until: k => k.Contains("cap:s:good"), logs: app.Logs);
        Assert.DoesNotContain("cap:s:", keys);
        Assert.Equal(1, app.Logs.Count("RowSkipped"));
        Assert.Contains(app.Logs.Lines, l => l.Contains("'captured_items'", StringComparison.Ordinal) && l.Contains("must not be empty", StringComparison.Ordinal));

        // The consumer goes on.
        long before = await PostgresCaptureTests.MaxIdAsync(db);
        await TestDatabase.ExecuteAsync(db, "UPDATE captured_items SET name = 'later' WHERE id = 2");
        await ReplicationApp.WaitForKeysAsync(db, before, 1, "a later write", until: k => k.Contains("cap:s:later"), logs: app.Logs);
    }

    [Fact]
    public async Task A_key_column_renamed_while_running_skips_that_table_s_changes_with_an_error_and_blocks_nothing_after_it()
    {
        string db = await CreateDatabaseAsync("reprename");
        await using ReplicationApp app = await ReplicationApp.StartAsync(db);
        await app.WaitForHealthAsync(HealthStatus.Healthy);

        // PostgreSQL decodes this insert with the column named 'title': its keys cannot be read, and waiting for them would stop the slot.
        await TestDatabase.ExecuteAsync(db, "ALTER TABLE captured_items RENAME COLUMN name TO title");
        await TestDatabase.ExecuteAsync(db, "INSERT INTO captured_items (id, title, \"Number\", \"Big\", \"Small\", \"Count\", \"Tiny\", \"Flag\", \"Token\", \"Mood\", \"StoredMood\", \"Day\", \"Owner\") " +
            "VALUES (1, 'renamed', 0, 0, 0, 0, 0, false, gen_random_uuid(), 0, 'Happy', '2024-01-01', gen_random_uuid())");
        await TestDatabase.ExecuteAsync(db, "ALTER TABLE captured_items RENAME COLUMN title TO name");
        await TestDatabase.ExecuteAsync(db, $"INSERT INTO captured_items {PostgresCaptureTests.ItemColumns} VALUES (2, 'restored', {PostgresCaptureTests.ItemValues})");

        string[] keys = await ReplicationApp.WaitForKeysAsync(db, 0, 1, "the write after the column was restored", until: k => k.Contains("cap:s:restored"), logs: app.Logs);
        Assert.DoesNotContain("cap:s:renamed", keys);
        Assert.Contains(app.Logs.Lines, l => l.Contains("ColumnMissing", StringComparison.Ordinal) && l.Contains("'captured_items'", StringComparison.Ordinal)
            && l.Contains("'name'", StringComparison.Ordinal) && l.Contains("CapturedItem.Name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bulk_insert_of_100_000_rows_reaches_the_outbox_and_the_time_to_its_last_key_is_reported()
    {
        string db = await CreateDatabaseAsync("repbulk");
        await using ReplicationApp app = await ReplicationApp.StartAsync(db);
        await app.WaitForHealthAsync(HealthStatus.Healthy);

        var watch = Stopwatch.StartNew();
        await TestDatabase.ExecuteAsync(db, $"INSERT INTO captured_items {PostgresCaptureTests.ItemColumns} " +
            "SELECT g, 'row' || g, 0, 0, 0, 0, 0, false, '00000000-0000-0000-0000-000000000000', 0, 'Happy', '2024-01-01', '00000000-0000-0000-0000-000000000000' FROM generate_series(1, 100000) AS g");
        TimeSpan committed = watch.Elapsed;
        while (await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM signals_outbox WHERE key = 'cap:s:row100000'") == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "The last row's key did not arrive within 2 minutes.\n" + string.Join('\n', app.Logs.Lines));
            await Task.Delay(50, Cancel);
        }

        TestContext.Current.SendDiagnosticMessage($"Replication capture, INSERT ... SELECT of 100,000 rows: committed after {committed.TotalMilliseconds:0} ms, last key in the outbox {(watch.Elapsed - committed).TotalMilliseconds:0} ms later; {string.Join("; ", app.Logs.Lines.Where(l => l.Contains("Wrote", StringComparison.Ordinal)))}");
        Assert.Equal(100_000L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(DISTINCT key) FROM signals_outbox WHERE key LIKE 'cap:s:row%'"));
    }

    private static Task<long> SlotsAsync(string db)
        => TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()");

    private static async Task MigrateAsync(DbContext context, IReadOnlyList<MigrationOperation> operations)
    {
        IReadOnlyList<MigrationCommand> commands = context.GetService<IMigrationsSqlGenerator>().Generate(operations, context.GetService<IDesignTimeModel>().Model);
        await context.GetService<IMigrationCommandExecutor>().ExecuteNonQueryAsync(commands, context.GetService<IRelationalConnection>(), Cancel);
    }

    private async Task<string> CreateDatabaseAsync(string name)
    {
        string db = await server.CreateDatabaseAsync(name, Cancel);
        await using var context = new ReplicatedCaptureDbContext(new DbContextOptionsBuilder<ReplicatedCaptureDbContext>().UseNpgsql(db).UseSignals(s => s.UsePostgreSql()).Options);
        await context.Database.EnsureCreatedAsync(Cancel);
        return db;
    }
}
