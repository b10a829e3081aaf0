using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Signals.EntityFrameworkCore.Tests.Model.Computed;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// A computed key moves once per EF Core transaction on a SQLite file, however many writes of the transaction (saves,
/// <c>InvalidateSignalsAsync</c>) move its inputs, and never loses a move: a later write skips it only when the row the transaction
/// remembers for it still exists in the database, so a row that a rollback undid (EF Core's savepoint API, a raw <c>ROLLBACK TO</c>)
/// cannot cause a skip. Input keys still move once per write. The PostgreSQL side is <see cref="ComputedTransactionTests"/>.
/// </summary>
public sealed class SqliteComputedTransactionTests : IDisposable
{
    private static readonly SignalKey Dashboard = TenantDashboard.Keys.Tenant("7");
    private static readonly SignalKey Overview = DashboardOverview.Keys.All;
    private static readonly string[] MovedByOrder = [Order.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value];
    private static readonly string[] MovedByInvoice = [Invoice.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value];

    private SqliteTestDatabase? _database;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private SqliteTestDatabase Database => _database ?? throw new InvalidOperationException("Create the database first.");

    public void Dispose() => _database?.Dispose();

    [Fact]
    public async Task Three_saves_of_one_transaction_move_the_computed_key_once_and_its_inputs_once_each()
    {
        _database = await SqliteTestDatabase.CreateAsync("computedtx");
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(Database.ConnectionString, static o => o.PollInterval = TimeSpan.FromMilliseconds(50));
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

        List<SignalOutboxEntry> rows = await Database.ReadOutboxAsync();
        Assert.Equal(
            [.. Sorted(MovedByOrder), Invoice.Keys.Tenant(7).Value, Order.Keys.Tenant(7).Value],
            [.. Sorted(rows.Take(3).Select(r => r.Key)), .. rows.Skip(3).Select(r => r.Key)]);

        // The hub publishes the one row of each computed key (all three watched: what it holds is what the dispatcher published).
        await HubAssert.WaitForVersionAsync(app.Hub, Order.Keys.Tenant(7), rows[^1].Id);
        Assert.Equal(rows.Single(r => r.Key == Dashboard.Value).Id, HubAssert.Held(app.Hub, Dashboard).Version);
        Assert.Equal(rows.Single(r => r.Key == Overview.Value).Id, HubAssert.Held(app.Hub, Overview).Version);

        // Separate transactions (a save without one is a transaction of its own) move it once each.
        await app.WithContextAsync(async context =>
        {
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        });
        Assert.Equal(3, (await Database.ReadOutboxAsync()).Count(r => r.Key == Dashboard.Value));
    }

    [Fact]
    public async Task A_save_and_InvalidateSignalsAsync_of_one_transaction_move_the_computed_key_once_in_either_order()
    {
        _database = await SqliteTestDatabase.CreateAsync("computedtxinvalidate");
        await using ChatDbContext context = Database.CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(7), ChatMessage.Room("beside")], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        string[] expected = [.. Sorted(MovedByOrder), Invoice.Keys.Tenant(7).Value, ChatMessage.Room("beside").Value];
        Assert.Equal(expected, await KeysAsync(sortFirst: 3));

        // Invalidated first, then saved (the synchronous paths): the save finds the invalidation's rows.
        context.ChangeTracker.Clear();
        using (IDbContextTransaction transaction = context.Database.BeginTransaction())
        {
            context.InvalidateSignals([Dashboard]);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            context.SaveChanges();
            transaction.Commit();
        }

        List<SignalOutboxEntry> rows = await Database.ReadOutboxAsync();
        Assert.Equal(2, rows.Count(r => r.Key == Dashboard.Value));
        Assert.Equal(2, rows.Count(r => r.Key == Overview.Value));
        Assert.Equal(Invoice.Keys.Tenant(7).Value, rows[^1].Key);
    }

    [Fact]
    public async Task A_move_undone_by_RollbackToSavepoint_is_not_lost()
    {
        _database = await SqliteTestDatabase.CreateAsync("computedtxsavepoint");
        await using ChatDbContext context = Database.CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await transaction.CreateSavepointAsync("s", Cancel);
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.RollbackToSavepointAsync("s", Cancel);
            context.ChangeTracker.Clear();
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        // The order's rows were rolled back; the invoice's save moved the dashboard again.
        Assert.Equal(Sorted(MovedByInvoice), await KeysAsync(sortFirst: 3));
        Assert.Equal(1, await context.Invoices.CountAsync(Cancel));
        Assert.Equal(0, await context.Orders.CountAsync(Cancel));
    }

    [Fact]
    public async Task A_move_undone_by_a_raw_ROLLBACK_TO_is_not_lost_and_one_before_the_savepoint_is_kept()
    {
        _database = await SqliteTestDatabase.CreateAsync("computedtxrawsavepoint");
        await using ChatDbContext context = Database.CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.Database.ExecuteSqlRawAsync("SAVEPOINT s", Cancel);
            await context.InvalidateSignalsAsync([Order.Keys.Tenant(7)], Cancel);
            await context.Database.ExecuteSqlRawAsync("ROLLBACK TO s", Cancel);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(Sorted(MovedByInvoice), await KeysAsync(sortFirst: 3));

        // A move before the savepoint survives its rollback: the write after it still finds its row, and moves the key no second time.
        context.ChangeTracker.Clear();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await context.Database.ExecuteSqlRawAsync("SAVEPOINT s", Cancel);
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(7)], Cancel);
            await context.Database.ExecuteSqlRawAsync("ROLLBACK TO s", Cancel);
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(7)], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        string[] expected = [.. Sorted(MovedByInvoice), .. Sorted(MovedByOrder), Invoice.Keys.Tenant(7).Value];
        Assert.Equal(expected, await KeysAsync(sortFirst: 3, thenSort: 3));
    }

    [Fact]
    public async Task A_remembered_id_that_a_rollback_handed_to_another_key_causes_no_skip()
    {
        // SQLite restores the AUTOINCREMENT counter on a rollback, so the ids a rolled-back write drew are drawn again by the next one.
        _database = await SqliteTestDatabase.CreateAsync("computedtxreused");
        await using ChatDbContext context = Database.CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await transaction.CreateSavepointAsync("s", Cancel);
            await context.InvalidateSignalsAsync([Order.Keys.Tenant(7)], Cancel); // ids 1-3: the order's key, then the computed ones
            await transaction.RollbackToSavepointAsync("s", Cancel);
            await context.InvalidateSignalsAsync([ChatMessage.Room("a"), ChatMessage.Room("b"), ChatMessage.Room("c")], Cancel); // ids 1-3 again
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(7)], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        List<SignalOutboxEntry> rows = await Database.ReadOutboxAsync();
        Assert.Equal([1, 2, 3], rows.Take(3).Select(r => r.Id));
        string[] expected = [ChatMessage.Room("a").Value, ChatMessage.Room("b").Value, ChatMessage.Room("c").Value, .. Sorted(MovedByInvoice)];
        Assert.Equal(expected, await KeysAsync(sortFirst: 0, thenSort: 3, after: 3));
    }

    [Fact]
    public async Task A_failed_save_of_the_transaction_causes_no_skip()
    {
        _database = await SqliteTestDatabase.CreateAsync("computedtxfailed");
        await using ChatDbContext context = Database.CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            // The order's rows go in, then the update of a missing invoice fails the save: EF Core rolls back to its savepoint.
            context.Orders.Add(new Order { TenantId = 7 });
            context.Invoices.Update(new Invoice { Id = 999, TenantId = 8 });
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync(Cancel));
            context.ChangeTracker.Clear();
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(Sorted(MovedByInvoice), await KeysAsync(sortFirst: 3));
    }

    [Fact]
    public async Task A_rolled_back_transaction_moves_nothing_and_the_next_one_moves_the_key()
    {
        _database = await SqliteTestDatabase.CreateAsync("computedtxrollback");
        await using ChatDbContext context = Database.CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        Assert.Empty(await Database.ReadOutboxAsync());

        context.ChangeTracker.Clear();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        await context.InvalidateSignalsAsync([Dashboard], Cancel);
        await context.InvalidateSignalsAsync([Dashboard], Cancel);
        Assert.Equal(
            [Dashboard.Value, Overview.Value, Dashboard.Value, Overview.Value, Dashboard.Value, Overview.Value],
            (await Database.ReadOutboxAsync()).Select(r => r.Key));
    }

    [Fact]
    public async Task Two_contexts_sharing_one_DbTransaction_move_the_computed_key_once()
    {
        _database = await SqliteTestDatabase.CreateAsync("computedtxshared");
        await using var connection = new SqliteConnection(Database.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using ChatDbContext first = CreateContext(connection);
        await using ChatDbContext second = CreateContext(connection);
        await using (IDbContextTransaction transaction = await first.Database.BeginTransactionAsync(Cancel))
        {
            DbTransaction shared = transaction.GetDbTransaction();
            await second.Database.UseTransactionAsync(shared, Cancel);
            first.Orders.Add(new Order { TenantId = 7 });
            await first.SaveChangesAsync(Cancel);
            second.Invoices.Add(new Invoice { TenantId = 7 });
            await second.SaveChangesAsync(Cancel);
            await second.InvalidateSignalsAsync([Order.Keys.Tenant(7)], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        string[] expected = [.. Sorted(MovedByOrder), Invoice.Keys.Tenant(7).Value, Order.Keys.Tenant(7).Value];
        Assert.Equal(expected, await KeysAsync(sortFirst: 3));
    }

    private static ChatDbContext CreateContext(SqliteConnection connection)
        => new(new DbContextOptionsBuilder<ChatDbContext>().UseSqlite(connection).UseSignals(signals => signals.UseSqlite()).Options);

    private static string[] Sorted(IEnumerable<string> keys) => [.. keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// The outbox's keys in id order, with the first <paramref name="sortFirst"/> after the first <paramref name="after"/> sorted, and the
    /// <paramref name="thenSort"/> after those sorted too (the keys of one write are a set: their order in it is not specified).
    /// </summary>
    private async Task<string[]> KeysAsync(int sortFirst, int thenSort = 0, int after = 0)
    {
        string[] keys = [.. (await Database.ReadOutboxAsync()).Select(r => r.Key)];
        Array.Sort(keys, after, sortFirst, StringComparer.Ordinal);
        Array.Sort(keys, after + sortFirst, thenSort, StringComparer.Ordinal);
        return keys;
    }
}
