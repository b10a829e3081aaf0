using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage;
using Signals.EntityFrameworkCore.PostgreSql;
using Signals.EntityFrameworkCore.Tests.Model.Computed;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// A computed key moves once per transaction on PostgreSQL, however many writes of the transaction move its inputs (saves,
/// <c>InvalidateSignalsAsync</c>), and never loses a move: the skip looks the key's row of this transaction up in the database, so a
/// row a savepoint rollback undid cannot cause one. Input keys still move once per write.
/// </summary>
/// <param name="server">The throwaway server.</param>
public sealed class ComputedTransactionTests(PostgresServer server)
{
    private static readonly SignalKey Dashboard = TenantDashboard.Keys.Tenant("7");
    private static readonly SignalKey Overview = DashboardOverview.Keys.All;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_saves_of_one_transaction_move_the_computed_key_once_and_its_inputs_once_each()
    {
        string db = await TestDatabase.CreateAsync(server, "computedtx");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, Dashboard, Overview, Order.Keys.Tenant(7));

        await app.WithContextAsync(async context =>
        {
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel);
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        });

        List<SignalOutboxEntry> rows = await TestDatabase.ReadOutboxAsync(db);
        Assert.Equal(
            [Order.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value, Invoice.Keys.Tenant(7).Value, Order.Keys.Tenant(7).Value],
            rows.Select(r => r.Key));

        // The hub publishes the one row of each computed key (all three watched: what it holds is what the dispatcher published).
        await HubAssert.WaitForVersionAsync(app.Hub, Order.Keys.Tenant(7), rows[^1].Id);
        Assert.Equal(rows[1].Id, HubAssert.Held(app.Hub, Dashboard).Version);
        Assert.Equal(rows[2].Id, HubAssert.Held(app.Hub, Overview).Version);

        // Separate transactions move it once each.
        await app.WithContextAsync(async context =>
        {
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
        });
        Assert.Equal(2, (await TestDatabase.ReadOutboxAsync(db)).Count(r => r.Key == Dashboard.Value));
    }

    [Fact]
    public async Task A_save_and_InvalidateSignalsAsync_of_one_transaction_move_the_computed_key_once()
    {
        string db = await TestDatabase.CreateAsync(server, "computedtxinvalidate");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(7), ChatMessage.Room("beside")], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(
            [Order.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value, Invoice.Keys.Tenant(7).Value, ChatMessage.Room("beside").Value],
            (await TestDatabase.ReadOutboxAsync(db)).Select(r => r.Key));

        // Invalidated first, then saved: the save's insert finds the invalidation's rows.
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(2, (await TestDatabase.ReadOutboxAsync(db)).Count(r => r.Key == Dashboard.Value));
        Assert.Equal(2, (await TestDatabase.ReadOutboxAsync(db)).Count(r => r.Key == Overview.Value));
    }

    [Fact]
    public async Task A_bump_undone_by_a_raw_savepoint_rollback_is_not_lost()
    {
        string db = await TestDatabase.CreateAsync(server, "computedtxsavepoint");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.Database.ExecuteSqlRawAsync("SAVEPOINT s", Cancel);
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await context.Database.ExecuteSqlRawAsync("ROLLBACK TO SAVEPOINT s", Cancel);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        // The order's row and its dashboard row were rolled back; the invoice's save moved the dashboard again.
        Assert.Equal([Invoice.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value], (await TestDatabase.ReadOutboxAsync(db)).Select(r => r.Key));
        Assert.Equal(1, await context.Invoices.CountAsync(Cancel));
        Assert.Equal(0, await context.Orders.CountAsync(Cancel));

        // A bump before the savepoint survives its rollback: the write after it still finds it, and moves the key no second time.
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.InvalidateSignalsAsync([Order.Keys.Tenant(7)], Cancel);
            await context.Database.ExecuteSqlRawAsync("SAVEPOINT s", Cancel);
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(7)], Cancel);
            await context.Database.ExecuteSqlRawAsync("ROLLBACK TO SAVEPOINT s", Cancel);
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(7)], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(
            [Invoice.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value, Order.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value, Invoice.Keys.Tenant(7).Value],
            (await TestDatabase.ReadOutboxAsync(db)).Select(r => r.Key));
    }

    [Fact]
    public async Task A_rolled_back_transaction_moves_nothing_and_the_next_one_moves_the_key()
    {
        string db = await TestDatabase.CreateAsync(server, "computedtxrollback");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        Assert.Empty(await TestDatabase.ReadOutboxAsync(db));

        // The same connection (pooled) and a new transaction: the rolled-back floor is gone with it.
        context.ChangeTracker.Clear();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        await context.InvalidateSignalsAsync([Dashboard], Cancel);
        Assert.Equal([Dashboard.Value, Overview.Value, Dashboard.Value, Overview.Value], (await TestDatabase.ReadOutboxAsync(db)).Select(r => r.Key));
    }

    [Fact]
    public async Task The_look_up_reads_the_index_from_the_floor_up_not_the_keys_history()
    {
        // A computed key with a long history: 40,000 rows of other transactions (~200 index pages).
        string db = await TestDatabase.CreateAsync(server, "computedtxplan");
        await TestDatabase.ExecuteAsync(
            db, $"INSERT INTO signals_outbox (key, created_at) SELECT '{Dashboard.Value}', now() FROM generate_series(1, 40000); ANALYZE signals_outbox;");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel);
        context.Orders.Add(new Order { TenantId = 7 });
        await context.SaveChangesAsync(Cancel);

        // The statement a later write of the transaction runs, explained with the buffers it read: its probes find the first save's rows.
        await using DbCommand explain = context.Database.GetDbConnection().CreateCommand();
        explain.Transaction = transaction.GetDbTransaction();
        explain.CommandText = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + ComputedKeyDedupe.Insert(context, guarded: false).TrimEnd(';', '\n', ' ');
        Assert.True(ComputedKeyDedupe.TryGetParameters([Invoice.Keys.Tenant(7), Dashboard, Overview], out Npgsql.NpgsqlParameter[]? parameters));
        explain.Parameters.AddRange(parameters);
        using JsonDocument plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync(Cancel))!);
        JsonElement root = plan.RootElement[0].GetProperty("Plan");
        long buffers = root.GetProperty("Shared Hit Blocks").GetInt64() + root.GetProperty("Shared Read Blocks").GetInt64();

        Assert.Equal(1, root.GetProperty("Plans")[0].GetProperty("Actual Rows").GetInt64()); // only the invoice's key is inserted
        Assert.True(buffers < 60, $"The insert read {buffers} buffers: the look-up read the key's history.\n{plan.RootElement}");
    }
}
