using Signals.EntityFrameworkCore.PostgreSql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>The hand-managed schema: <see cref="SignalsSchema.PostgreSqlScript"/> is idempotent, matches the EF Core model, and works.</summary>
public sealed class SchemaScriptTests(PostgresServer server)
{
    private const string Describe = """
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
            SELECT format('column %s.%s %s %s default=%s collation=%s', table_name, column_name, data_type, is_nullable, coalesce(column_default, '-'), coalesce(collation_name, '-')) AS line
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name LIKE 'signals%'
            UNION ALL SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE 'signals%'
            UNION ALL SELECT format('sequence %s %s %s %s', sequence_name, start_value, increment, cycle_option)
            FROM information_schema.sequences WHERE sequence_schema = 'public'
            UNION ALL SELECT format('cache %s %s', sequencename, cache_size) FROM pg_sequences WHERE schemaname = 'public'
        ) lines
        """;

    [Fact]
    public async Task Script_applied_twice_creates_what_EF_Core_creates_upgrades_key_collations_and_the_outbox_works_on_it()
    {
        string scripted = await server.CreateDatabaseAsync("schemascript", TestContext.Current.CancellationToken);
        await TestDatabase.ExecuteAsync(scripted, SignalsSchema.PostgreSqlScript);

        // Key columns as the script created them before they compared bytes: running it again gives them the "C" collation.
        foreach (string table in (string[])["signals_outbox", "signals_state", "signals_values"])
        {
            await TestDatabase.ExecuteAsync(scripted, $"ALTER TABLE {table} ALTER COLUMN key TYPE character varying(512) COLLATE \"default\"");
        }

        await TestDatabase.ExecuteAsync(scripted, SignalsSchema.PostgreSqlScript);
        await TestDatabase.ExecuteAsync(scripted, SignalsSchema.PostgreSqlScript);
        string modelled = await server.CreateDatabaseAsync("schemamodel", TestContext.Current.CancellationToken);
        await using (var context = new OutboxOnlyContext(new DbContextOptionsBuilder<OutboxOnlyContext>().UseNpgsql(modelled).UseSignals(s => s.UsePostgreSql()).Options))
        {
            await context.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        }

        string expected = await TestDatabase.ScalarAsync<string>(modelled, Describe);
        Assert.Contains("xid8", expected, StringComparison.Ordinal);
        Assert.Contains("column signals_state.key character varying NO default=- collation=C", expected, StringComparison.Ordinal);
        Assert.Equal(expected, await TestDatabase.ScalarAsync<string>(scripted, Describe));

        // The interceptor, the dispatcher and the value store on the scripted schema (plus the one table of the test's own data it saves).
        await TestDatabase.ExecuteAsync(scripted, "CREATE TABLE \"Messages\" (\"Id\" uuid PRIMARY KEY, \"RoomId\" text NOT NULL, \"Text\" text NOT NULL)");

        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(scripted);
        await app.SaveMessageAsync("scripted", "works");
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("scripted"));
        SignalValue<long> value = await app.Services.GetRequiredService<ISignalValueStore>().SetAsync(SignalKey.Parse("app:answer"), 42L, TestContext.Current.CancellationToken);
        await HubAssert.WaitForVersionAsync(app.Hub, SignalKey.Parse("app:answer"), value.Version);
    }

    /// <summary>A model with nothing but the Signals tables.</summary>
    private sealed class OutboxOnlyContext(DbContextOptions<OutboxOnlyContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddSignalsOutbox();
    }
}
