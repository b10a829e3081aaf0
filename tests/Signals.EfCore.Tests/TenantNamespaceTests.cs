using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// A namespace on a database of its own (<c>MapNamespace("config", ns =&gt; ns.UseEntityFrameworkCore&lt;TenantDbContext&gt;())</c>) beside the
/// app's outbox, on two real PostgreSQL databases (and a SQLite file for the tenant): each context's writes land in its own outbox only,
/// wrong-context writes fail with nothing written, its dispatcher publishes its ids on a line of their own, and the hub reads its keys
/// from its database after a restart.
/// </summary>
/// <param name="postgres">The assembly's PostgreSQL server.</param>
public sealed class TenantNamespaceTests(PostgresServer postgres)
{
    private static readonly SignalKey Theme = Setting.ByName("theme");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_context_writes_its_own_outbox_and_the_tenant_line_moves_no_cursor()
    {
        (string main, string tenant) = await CreateDatabasesAsync("tenant_lines");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(main, MapConfigTo(o => o.UseNpgsql(tenant), outbox => outbox.UsePostgreSql()));
        using SignalSubscription watching = await app.Hub.SubscribeAsync([Theme, ChatMessage.Room("general")], cancellationToken: Cancel);

        await app.WithTenantAsync(db => SaveAsync(db, new Setting { Name = "theme", Value = "dark" }));

        Assert.Equal(["config:setting:theme"], await TestDatabase.ReadOutboxKeysAsync(tenant));
        Assert.Empty(await TestDatabase.ReadOutboxAsync(main));
        long tenantId = (await TestDatabase.ReadOutboxAsync(tenant)).Single().Id;
        Assert.Equal(tenantId, (await HubAssert.WaitForVersionAsync(app.Hub, Theme, tenantId)).Version);
        Assert.Equal(0, app.Hub.Cursor);
        Assert.Equal(0, app.Hub.SettledCursor);

        // The app's keys go to the app's outbox only, and move the cursor.
        await app.SaveMessageAsync("general", "hi");
        Assert.Equal(["chat:chat-message", "chat:room:general"], await TestDatabase.ReadOutboxKeysAsync(main));
        Assert.Equal(["config:setting:theme"], await TestDatabase.ReadOutboxKeysAsync(tenant));
        long mainId = (await TestDatabase.ReadOutboxAsync(main)).Max(e => e.Id);
        _ = await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"), mainId);
        Assert.Equal(mainId, app.Hub.Cursor);

        // The stores route by namespace: an invalidation of both kinds and a value write each land in their own database.
        var store = app.Services.GetRequiredService<ISignalStore>();
        var values = app.Services.GetRequiredService<ISignalValueStore>();
        IReadOnlyList<SignalVersion> both = await store.InvalidateAsync([Theme, ChatMessage.Room("general")], Cancel);
        SignalValue<JsonElement> set = await values.SetAsync(Setting.ByName("font"), JsonSerializer.SerializeToElement(new { size = 12 }), Cancel);
        Assert.Equal(3L, await TestDatabase.ScalarAsync<long>(tenant, "SELECT count(*) FROM signals_outbox WHERE key LIKE 'config:%'"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(tenant, "SELECT count(*) FROM signals_outbox WHERE key NOT LIKE 'config:%'"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(main, "SELECT count(*) FROM signals_outbox WHERE key LIKE 'config:%'"));
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(tenant, "SELECT count(*) FROM signals_values WHERE key = 'config:setting:font'"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(main, "SELECT count(*) FROM signals_values"));
        Assert.Equal(set.Version, await TestDatabase.ScalarAsync<long>(tenant, "SELECT max(id) FROM signals_outbox"));
        Assert.Equal(await TestDatabase.ScalarAsync<long>(main, "SELECT max(id) FROM signals_outbox"), both.Single(v => v.Key.Namespace == "chat").Version);
    }

    [Fact]
    public async Task A_save_or_an_invalidation_on_the_wrong_context_fails_and_writes_nothing()
    {
        (string main, string tenant) = await CreateDatabasesAsync("tenant_wrong");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(main, MapConfigTo(o => o.UseNpgsql(tenant), outbox => outbox.UsePostgreSql()));

        InvalidOperationException onMain = await Assert.ThrowsAsync<InvalidOperationException>(
            () => app.WithContextAsync(db => SaveAsync(db, new Setting { Name = "theme", Value = "dark" })));
        InvalidOperationException onTenant = await Assert.ThrowsAsync<InvalidOperationException>(
            () => app.WithTenantAsync(db => SaveAsync(db, new ChatMessage { RoomId = "general", Text = "hi" })));
        InvalidOperationException invalidateOnMain = await Assert.ThrowsAsync<InvalidOperationException>(
            () => app.WithContextAsync(db => db.InvalidateSignalsAsync([ChatMessage.Room("general"), Theme], Cancel)));
        InvalidOperationException invalidateOnTenant = await Assert.ThrowsAsync<InvalidOperationException>(
            () => app.WithTenantAsync(db => db.InvalidateSignalsAsync([Theme, ChatMessage.Room("general")], Cancel)));

        Assert.Contains("'config:setting:theme'", onMain.Message, StringComparison.Ordinal);
        Assert.Contains("namespace 'config'", onMain.Message, StringComparison.Ordinal);
        Assert.Contains("'chat:", onTenant.Message, StringComparison.Ordinal);
        Assert.Contains("app's own outbox context", onTenant.Message, StringComparison.Ordinal);
        Assert.All([onMain, onTenant, invalidateOnMain, invalidateOnTenant], e => Assert.Contains("Nothing was written", e.Message, StringComparison.Ordinal));
        foreach (string database in new[] { main, tenant })
        {
            Assert.Empty(await TestDatabase.ReadOutboxAsync(database));
            Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM \"Settings\""));
            Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM \"Messages\""));
        }
    }

    [Fact]
    public async Task After_a_restart_the_hub_reads_a_tenant_key_from_the_tenant_database()
    {
        (string main, string tenant) = await CreateDatabasesAsync("tenant_restart");
        long before;
        await using (SignalsTestApp first = await SignalsTestApp.StartPostgresAsync(main, MapConfigTo(o => o.UseNpgsql(tenant), outbox => outbox.UsePostgreSql())))
        {
            await first.WithTenantAsync(db => SaveAsync(db, new Setting { Name = "theme", Value = "v0" }));
            for (int i = 1; i <= 3; i++)
            {
                await first.SaveMessageAsync("general", "m" + i);
                await first.WithTenantAsync(async db =>
                {
                    Setting theme = await db.Settings.SingleAsync(s => s.Name == "theme", Cancel);
                    theme.Value = "v" + i;
                    await db.SaveChangesAsync(Cancel);
                });
            }

            before = (await HubAssert.WaitForVersionAsync(first.Hub, Theme, await LatestAsync(tenant, Theme))).Version;
        }

        // Rows of the app's outbox with higher ids than the tenant's must not matter: each line is read from its own database.
        for (int i = 0; i < 20; i++)
        {
            await TestDatabase.SaveMessageAsync(main, "general", "filler " + i);
        }

        await using SignalsTestApp second = await SignalsTestApp.StartPostgresAsync(main, MapConfigTo(o => o.UseNpgsql(tenant), outbox => outbox.UsePostgreSql()));
        SignalVersion[] read = await second.Hub.GetVersionsAsync([Theme, ChatMessage.Room("general")], Cancel);
        Assert.Equal(before, read[0].Version);
        Assert.Equal(await LatestAsync(tenant, Theme), read[0].Version);
        Assert.Equal(await LatestAsync(main, ChatMessage.Room("general")), read[1].Version);
    }

    [Fact]
    public async Task A_tenant_on_a_SQLite_file_is_delivered_by_its_polling_dispatcher_beside_the_app_on_PostgreSQL()
    {
        string main = await TestDatabase.CreateAsync(postgres, "tenant_sqlite_main");
        using SqliteTestDatabase tenant = await SqliteTestDatabase.CreateAsync("tenant");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(main, MapConfigTo(o => o.UseSqlite(tenant.ConnectionString), outbox => outbox.UseSqlite()));
        using SignalSubscription watching = await app.Hub.SubscribeAsync([Theme], cancellationToken: Cancel);

        await app.WithTenantAsync(db => SaveAsync(db, new Setting { Name = "theme", Value = "dark" }));

        long id = (await tenant.ReadOutboxAsync()).Single().Id;
        Assert.Equal(id, (await HubAssert.WaitForVersionAsync(app.Hub, Theme, id)).Version);
        Assert.Empty(await TestDatabase.ReadOutboxAsync(main));
        Assert.Equal(0, app.Hub.Cursor);
    }

    [Fact]
    public async Task Bad_mappings_fail_at_start_naming_the_problem()
    {
        string main = await TestDatabase.CreateAsync(postgres, "tenant_bad");

        // The app's own context mapped to a namespace too.
        OptionsValidationException same = await Assert.ThrowsAsync<OptionsValidationException>(() => SignalsTestApp.StartPostgresAsync(main, services =>
        {
            services.AddSingleton(Catalog);
            services.AddSignals().MapNamespace("config", ns => ns.UseEntityFrameworkCore<ChatDbContext>());
        }));
        Assert.Contains("'ChatDbContext' is both the app's outbox", same.Message, StringComparison.Ordinal);

        // One tenant context for two namespaces.
        OptionsValidationException twice = await Assert.ThrowsAsync<OptionsValidationException>(() => SignalsTestApp.StartPostgresAsync(main, services =>
        {
            services.AddSingleton(Catalog);
            services.AddDbContext<TenantDbContext>(o => o.UseNpgsql(main));
            services.AddSignals()
                .MapNamespace("config", ns => ns.UseEntityFrameworkCore<TenantDbContext>())
                .MapNamespace("presence", ns => ns.UseEntityFrameworkCore<TenantDbContext>());
        }));
        Assert.Contains("'TenantDbContext' is mapped to several namespaces (config, presence)", twice.Message, StringComparison.Ordinal);

        // A namespace no signal declares.
        OptionsValidationException undeclared = await Assert.ThrowsAsync<OptionsValidationException>(() => SignalsTestApp.StartPostgresAsync(main, services =>
        {
            services.AddSingleton(Catalog);
            services.AddDbContext<TenantDbContext>(o => o.UseNpgsql(main));
            services.AddSignals().MapNamespace("tenant-acme", ns => ns.UseEntityFrameworkCore<TenantDbContext>());
        }));
        Assert.Contains("no declared signal is in the namespace 'tenant-acme'", undeclared.Message, StringComparison.Ordinal);

        // Configuration cannot name a context.
        OptionsValidationException configured = await Assert.ThrowsAsync<OptionsValidationException>(() => SignalsTestApp.StartPostgresAsync(main, services =>
        {
            services.AddSingleton(Catalog);
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection([new("Signals:Namespaces:config:Store", "EntityFrameworkCore")]).Build());
            services.AddSignals();
        }));
        Assert.Contains("Signals:Namespaces:config:Store is EntityFrameworkCore but names no context", configured.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_namespace_without_an_app_outbox_fails_at_start()
    {
        string tenant = await TestDatabase.CreateAsync(postgres, "tenant_alone");
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(Catalog);
        builder.Services.AddDbContext<TenantDbContext>(o => o.UseNpgsql(tenant));
        builder.Services.AddSignals().MapNamespace("config", ns => ns.UseEntityFrameworkCore<TenantDbContext>().UsePostgreSql());
        using IHost host = builder.Build();

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Cancel));

        Assert.Contains("the app's other keys have no outbox", error.Message, StringComparison.Ordinal);
        Assert.Empty(await TestDatabase.ReadOutboxAsync(tenant));
    }

    private static SignalCatalog Catalog { get; } = new([
        new SignalDescriptor("chat:chat-message", "Tests.ChatMessage", SignalKind.Signal),
        new SignalDescriptor("chat:room:{RoomId}", "Tests.ChatMessage", SignalKind.Family),
        new SignalDescriptor("config:setting:{Name}", "Tests.Setting", SignalKind.Family),
        new SignalDescriptor("presence:typing:{RoomId}", "Tests.Typing", SignalKind.Value),
    ]);

    /// <summary>Declares the test model's namespaces and maps <c>config</c> to <see cref="TenantDbContext"/> on the tenant's database.</summary>
    private static Action<IServiceCollection> MapConfigTo(Action<DbContextOptionsBuilder> tenant, Action<ISignalsOutboxBuilder> provider)
        => services =>
        {
            services.AddSingleton(Catalog);
            services.AddDbContext<TenantDbContext>(tenant);
            services.AddSignals().MapNamespace("config", ns => provider(ns.UseEntityFrameworkCore<TenantDbContext>()));
        };

    private async Task<(string Main, string Tenant)> CreateDatabasesAsync(string name)
        => (await TestDatabase.CreateAsync(postgres, name + "_main"), await TestDatabase.CreateAsync(postgres, name + "_acme"));

    private static Task<long> LatestAsync(string connectionString, SignalKey key)
        => TestDatabase.ScalarAsync<long>(connectionString, $"SELECT coalesce(max(id), 0) FROM signals_outbox WHERE key = '{key.Value}'");

    private static async Task SaveAsync(DbContext db, object entity)
    {
        db.Add(entity);
        await db.SaveChangesAsync(Cancel);
    }
}
