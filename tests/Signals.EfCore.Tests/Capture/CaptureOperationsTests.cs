using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Signals.EntityFrameworkCore.Tests.Model.Capture;

namespace Signals.EntityFrameworkCore.Tests.Capture;

/// <summary>
/// Capture as an operator meets it: the health check lists captured and uncaptured signal tables, a key column renamed outside a
/// migration is an error naming the table and the column, a key type SQL cannot format is refused when the model is built, and turning
/// capture off is a migration that drops the triggers.
/// </summary>
public sealed class CaptureOperationsTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_health_check_lists_captured_tables_and_signal_tables_that_are_not()
    {
        string db = await PostgresCaptureTests.CreateDatabaseAsync(server, "caphealth");
        using IHost host = await StartAsync(db);

        HealthReport report = await WaitForAsync(host, HealthStatus.Healthy);
        IReadOnlyDictionary<string, object> data = report.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Data;
        Assert.Equal("captured_items, captured_moments", data["CaptureDbContext.captured"]);
        Assert.Equal("notes", data["CaptureDbContext.notCaptured"]);
    }

    [Fact]
    public async Task A_key_column_renamed_outside_a_migration_is_an_error_naming_the_table_and_the_column()
    {
        string db = await PostgresCaptureTests.CreateDatabaseAsync(server, "capdrift");
        await TestDatabase.ExecuteAsync(db, "ALTER TABLE captured_items RENAME COLUMN name TO title");
        using IHost host = await StartAsync(db);

        HealthReport report = await WaitForAsync(host, HealthStatus.Unhealthy);
        string description = report.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Description!;
        Assert.Contains("table 'captured_items' has no column 'name'", description, StringComparison.Ordinal);
        Assert.Contains("CapturedItem.Name", description, StringComparison.Ordinal);
        Assert.Contains("migration", description, StringComparison.Ordinal);

        await TestDatabase.ExecuteAsync(db, "ALTER TABLE captured_items RENAME COLUMN title TO name");
        await WaitForAsync(host, HealthStatus.Healthy);
    }

    [Fact]
    public async Task Triggers_made_for_another_model_are_an_error_naming_the_column_they_read()
    {
        string db = await PostgresCaptureTests.CreateDatabaseAsync(server, "capstale");
        await TestDatabase.ExecuteAsync(db, "COMMENT ON FUNCTION signals_capture_captured_items_insert() IS " +
            "'signals-capture:{\"entity\":\"CapturedItem\",\"table\":\"captured_items\",\"keys\":[[{\"literal\":\"cap:s:\"},{\"column\":\"old_name\",\"format\":\"Text\",\"property\":\"Name\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"revision\":2}'");
        using IHost host = await StartAsync(db);

        HealthReport report = await WaitForAsync(host, HealthStatus.Unhealthy);
        Assert.Contains("read column 'old_name'", report.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Description!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_type_SQL_cannot_format_exactly_is_refused_when_the_model_is_built_naming_entity_property_and_type()
    {
        using var moments = new CapturedMoments(new DbContextOptionsBuilder().UseSqlite("Data Source=:memory:").UseSignals(s => s.UseSqlite()).Options);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => moments.Model);
        Assert.Contains("'CapturedMoment'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'At'", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.DateTimeOffset", error.Message, StringComparison.Ordinal);
        Assert.Contains("HasSignalCapture(enabled: false)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Logical_replication_on_SQLite_is_refused_when_the_model_is_built_and_an_unknown_mechanism_when_it_is_set()
    {
        using var replicated = new ReplicatedMoments(new DbContextOptionsBuilder().UseSqlite("Data Source=:memory:").UseSignals(s => s.UseSqlite()).Options);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => replicated.Model);
        Assert.Contains("'CapturedMoment'", error.Message, StringComparison.Ordinal);
        Assert.Contains("logical replication needs PostgreSQL", error.Message, StringComparison.Ordinal);
        Assert.Contains("SQLite", error.Message, StringComparison.Ordinal);

        ArgumentOutOfRangeException unknown = Assert.Throws<ArgumentOutOfRangeException>(() => new ModelBuilder().HasSignalCaptureMechanism((SignalCaptureMechanism)7));
        Assert.Equal("mechanism", unknown.ParamName);
    }

    [Fact]
    public void Turning_capture_on_and_off_are_migrations_that_create_and_drop_the_triggers()
    {
        DbContextOptions options = new DbContextOptionsBuilder().UseNpgsql("Host=127.0.0.1;Database=unused").UseSignals(s => s.UsePostgreSql()).Options;
        using var captured = new CapturedMoments(options);
        using var plain = new PlainMoments(options);
        IMigrationsModelDiffer differ = captured.GetService<IMigrationsModelDiffer>();
        IRelationalModel on = captured.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        IRelationalModel off = plain.GetService<IDesignTimeModel>().Model.GetRelationalModel();

        Assert.True(differ.HasDifferences(off, on));
        string[] enable = [.. differ.GetDifferences(off, on).Select(o => Assert.IsType<SqlOperation>(o).Sql)];
        Assert.Contains(enable, sql => sql.StartsWith("CREATE TRIGGER signals_capture_insert_first AFTER INSERT ON \"CapturedMoment\"", StringComparison.Ordinal));
        Assert.Contains(enable, sql => sql.StartsWith("CREATE OR REPLACE FUNCTION \"signals_capture_CapturedMoment_insert\"()", StringComparison.Ordinal));
        Assert.Contains(enable, sql => sql.StartsWith("CREATE TRIGGER signals_capture_update_again AFTER UPDATE ON \"CapturedMoment\"", StringComparison.Ordinal));
        string[] disable = [.. differ.GetDifferences(on, off).Select(o => Assert.IsType<SqlOperation>(o).Sql)];
        Assert.Equal(
            ["DROP TRIGGER IF EXISTS signals_capture_insert ON \"CapturedMoment\"", "DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"CapturedMoment\"",
             "DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"CapturedMoment\"",
             "DROP TRIGGER IF EXISTS signals_capture_update ON \"CapturedMoment\"", "DROP TRIGGER IF EXISTS signals_capture_update_first ON \"CapturedMoment\"",
             "DROP TRIGGER IF EXISTS signals_capture_update_again ON \"CapturedMoment\"",
             "DROP TRIGGER IF EXISTS signals_capture_delete ON \"CapturedMoment\"", "DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"CapturedMoment\"",
             "DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"CapturedMoment\"",
             "DROP FUNCTION IF EXISTS \"signals_capture_CapturedMoment_insert\"()", "DROP FUNCTION IF EXISTS \"signals_capture_CapturedMoment_insert_again\"()",
             "DROP FUNCTION IF EXISTS \"signals_capture_CapturedMoment_update\"()", "DROP FUNCTION IF EXISTS \"signals_capture_CapturedMoment_update_again\"()",
             "DROP FUNCTION IF EXISTS \"signals_capture_CapturedMoment_delete\"()", "DROP FUNCTION IF EXISTS \"signals_capture_CapturedMoment_delete_again\"()",
             "DROP FUNCTION IF EXISTS \"signals_capture_CapturedMoment\"()"],
            disable);
        Assert.False(differ.HasDifferences(on, on));
    }

    private static async Task<IHost> StartAsync(string db)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDbContext<CaptureDbContext>(o => o.UseNpgsql(db));
        builder.Services.AddSignals().AddEntityFrameworkCoreOutbox<CaptureDbContext>(o => o.MaxRetryDelay = TimeSpan.FromMilliseconds(200)).UsePostgreSql();
        builder.Services.AddHealthChecks().AddSignalsDispatcher();
        IHost host = builder.Build();
        await host.StartAsync(Cancel);
        return host;
    }

    private static async Task<HealthReport> WaitForAsync(IHost host, HealthStatus expected)
    {
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            HealthReport report = await health.CheckHealthAsync(Cancel);
            if (report.Status == expected || DateTime.UtcNow > until)
            {
                Assert.Equal(expected, report.Status);
                return report;
            }

            await Task.Delay(50, Cancel);
        }
    }

    /// <summary>A context with <see cref="CapturedMoment"/>, captured or not.</summary>
    private abstract class Moments(DbContextOptions options, bool capture) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<CapturedMoment>().HasSignalCapture(capture);
            modelBuilder.AddSignalsOutbox();
        }
    }

    /// <summary>Captures <see cref="CapturedMoment"/> (SQLite refuses it).</summary>
    private sealed class CapturedMoments(DbContextOptions options) : Moments(options, capture: true);

    /// <summary>Captures <see cref="CapturedMoment"/> by logical replication (only PostgreSQL can).</summary>
    private sealed class ReplicatedMoments(DbContextOptions options) : Moments(options, capture: true)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            base.OnModelCreating(modelBuilder);
            modelBuilder.Entity<CapturedMoment>().HasSignalCaptureMechanism(SignalCaptureMechanism.LogicalReplication);
        }
    }

    /// <summary>Leaves <see cref="CapturedMoment"/> to the interceptor.</summary>
    private sealed class PlainMoments(DbContextOptions options) : Moments(options, capture: false);
}
