using Microsoft.EntityFrameworkCore.Storage;
using Signals.EntityFrameworkCore.Tests.Model.Computed;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// Computed signals on the write path (<see cref="TenantDashboard"/>, computed over orders, invoices and a value signal, and
/// <see cref="DashboardOverview"/> over it): each write stages the computed keys in its own transaction, once per write, and they reach
/// the hub like any key.
/// </summary>
public abstract class ComputedSignalTests
{
    private static readonly SignalKey Overview = DashboardOverview.Keys.All;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_save_touching_two_inputs_moves_the_computed_key_once()
    {
        await using SignalsTestApp app = await StartAsync("computedonce");
        await app.WithContextAsync(async context =>
        {
            context.Orders.Add(new Order { TenantId = 7, Total = 10 });
            context.Orders.Add(new Order { TenantId = 7, Total = 20 });
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
        });

        string[] keys = [Overview.Value, TenantDashboard.Keys.Tenant("7").Value, Invoice.Keys.Tenant(7).Value, Order.Keys.Tenant(7).Value];
        Assert.Equal(keys, await ReadOutboxKeysAsync());
        List<SignalOutboxEntry> rows = await ReadOutboxAsync();
        long dashboardRow = rows.Single(r => r.Key == TenantDashboard.Keys.Tenant("7").Value).Id;
        Assert.Equal(dashboardRow, (await HubAssert.WaitForVersionAsync(app.Hub, TenantDashboard.Keys.Tenant("7"))).Version);

        // The next save moves it again, and moves each tenant's dashboard (and the overview, once) for the tenants it touches.
        await app.WithContextAsync(async context =>
        {
            context.Orders.Add(new Order { TenantId = 7, Total = 30 });
            context.Invoices.Add(new Invoice { TenantId = 8 });
            await context.SaveChangesAsync(Cancel);
        });

        string[] second = [.. (await ReadOutboxAsync()).Where(r => r.Id > rows.Max(r => r.Id)).Select(r => r.Key).Order(StringComparer.Ordinal)];
        Assert.Equal(
            [Overview.Value, TenantDashboard.Keys.Tenant("7").Value, TenantDashboard.Keys.Tenant("8").Value, Invoice.Keys.Tenant(8).Value, Order.Keys.Tenant(7).Value],
            second);
        await HubAssert.WaitForVersionAsync(app.Hub, TenantDashboard.Keys.Tenant("7"), dashboardRow + 1);
        await HubAssert.WaitForVersionAsync(app.Hub, TenantDashboard.Keys.Tenant("8"));
    }

    [Fact]
    public async Task A_rolled_back_save_moves_no_computed_key()
    {
        await using SignalsTestApp app = await StartAsync("computedrollback");
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, TenantDashboard.Keys.Tenant("3"), Overview);

        await app.WithContextAsync(async context =>
        {
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel);
            context.Orders.Add(new Order { TenantId = 3 });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(3)], Cancel);
            await transaction.RollbackAsync(Cancel);
        });

        // A later commit of another key is read past the rolled-back ids: nothing of the rollback arrives.
        await app.WithContextAsync(async context =>
        {
            context.Messages.Add(new ChatMessage { RoomId = "after-rollback" });
            await context.SaveChangesAsync(Cancel);
        });
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("after-rollback"));
        Assert.Equal([ChatMessage.AnyMessage.Value, ChatMessage.Room("after-rollback").Value], await ReadOutboxKeysAsync());
        Assert.Equal(0, HubAssert.Held(app.Hub, TenantDashboard.Keys.Tenant("3")).Version);
        Assert.Equal(0, HubAssert.Held(app.Hub, Overview).Version);
    }

    [Fact]
    public async Task InvalidateSignalsAsync_and_the_store_stage_the_computed_keys_too()
    {
        await using SignalsTestApp app = await StartAsync("computedinvalidate");
        await app.WithContextAsync(context => context.InvalidateSignalsAsync([Order.Keys.Tenant(4), Invoice.Keys.Tenant(4)], Cancel));
        Assert.Equal([Overview.Value, TenantDashboard.Keys.Tenant("4").Value, Invoice.Keys.Tenant(4).Value, Order.Keys.Tenant(4).Value], await ReadOutboxKeysAsync());

        // ISignalStore (what producers' emits write through) returns the given key's version, and stages the computed ones with it.
        IReadOnlyList<SignalVersion> versions = await app.Services.GetRequiredService<ISignalStore>().InvalidateAsync([Order.Keys.Tenant(5)], Cancel);
        Assert.Equal([Order.Keys.Tenant(5)], versions.Select(v => v.Key));
        List<SignalOutboxEntry> rows = await ReadOutboxAsync();
        Assert.Equal(
            [Order.Keys.Tenant(5).Value, TenantDashboard.Keys.Tenant("5").Value, Overview.Value],
            rows.Where(r => r.Id >= versions[0].Version).Select(r => r.Key));
        await HubAssert.WaitForVersionAsync(app.Hub, TenantDashboard.Keys.Tenant("5"), versions[0].Version + 1);
    }

    [Fact]
    public async Task A_value_write_moves_the_computed_key_in_its_transaction_and_an_equal_value_moves_nothing()
    {
        await using SignalsTestApp app = await StartAsync("computedvalue");
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();

        SignalValue<TenantBanner> set = await TenantBanner.Values.SetAsync(store, "6", new TenantBanner("maintenance tonight"), Cancel);
        await TenantBanner.Values.SetAsync(store, "6", new TenantBanner("maintenance tonight"), Cancel);
        Assert.True(await TenantBanner.Values.DeleteAsync(store, "6", Cancel));

        string banner = TenantBanner.Keys.Value("6").Value;
        string dashboard = TenantDashboard.Keys.Tenant("6").Value;
        Assert.Equal([banner, dashboard, Overview.Value, banner, dashboard, Overview.Value], (await ReadOutboxAsync()).Select(r => r.Key));
        Assert.Equal(set.Version, (await ReadOutboxAsync())[0].Id);
        await HubAssert.WaitForVersionAsync(app.Hub, TenantDashboard.Keys.Tenant("6"), set.Version + 4);
    }

    /// <summary>Starts an instance on a new database of the provider under test.</summary>
    private protected abstract Task<SignalsTestApp> StartAsync(string name);

    /// <summary>Reads every outbox row of the database, in id order.</summary>
    private protected abstract Task<List<SignalOutboxEntry>> ReadOutboxAsync();

    private async Task<string[]> ReadOutboxKeysAsync() => [.. (await ReadOutboxAsync()).Select(e => e.Key).Order(StringComparer.Ordinal)];
}

/// <summary>Computed signals on real PostgreSQL (the command appender, the PostgreSQL value commands).</summary>
/// <param name="server">The throwaway server.</param>
public sealed class PostgresComputedSignalTests(PostgresServer server) : ComputedSignalTests
{
    private string _database = "";

    private protected override async Task<SignalsTestApp> StartAsync(string name)
    {
        _database = await TestDatabase.CreateAsync(server, name);
        return await SignalsTestApp.StartPostgresAsync(_database, SignalsTestApp.NoSafetyPoll);
    }

    private protected override Task<List<SignalOutboxEntry>> ReadOutboxAsync() => TestDatabase.ReadOutboxAsync(_database);
}

/// <summary>Computed signals on a real SQLite file (tracked outbox rows, the neutral relational value commands).</summary>
public sealed class SqliteComputedSignalTests : ComputedSignalTests, IDisposable
{
    private SqliteTestDatabase? _database;

    public void Dispose() => _database?.Dispose();

    private protected override async Task<SignalsTestApp> StartAsync(string name)
    {
        _database = await SqliteTestDatabase.CreateAsync(name);
        return await SignalsTestApp.StartSqliteAsync(_database.ConnectionString, static o => o.PollInterval = TimeSpan.FromMilliseconds(50));
    }

    private protected override Task<List<SignalOutboxEntry>> ReadOutboxAsync() => _database!.ReadOutboxAsync();
}
