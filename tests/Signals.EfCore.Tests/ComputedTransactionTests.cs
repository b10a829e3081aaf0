using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Signals.EntityFrameworkCore.PostgreSql;
using Signals.EntityFrameworkCore.Tests.Model.Computed;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// A computed key moves once per transaction, however many writes of the transaction move its inputs (saves,
/// <c>InvalidateSignalsAsync</c>), and never loses a move: a later write skips it only when the key's row of this transaction is still in
/// the database, so a row that a rollback undid (a failed save, EF Core's savepoint API, a raw <c>ROLLBACK TO SAVEPOINT</c>) cannot cause
/// one. Input keys still move once per write. PostgreSQL decides it in SQL, by transaction id; SQLite remembers the rows per EF Core
/// transaction (<see cref="TransactionComputedKeys"/>) and looks them up.
/// </summary>
public abstract class ComputedTransactionTests
{
    private protected static readonly SignalKey Dashboard = TenantDashboard.Keys.Tenant("7");
    private protected static readonly SignalKey Overview = DashboardOverview.Keys.All;

    private protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_saves_of_one_transaction_move_the_computed_key_once_and_its_inputs_once_each()
    {
        await using SignalsTestApp app = await StartAsync("computedtx");
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

        List<SignalOutboxEntry> rows = await ReadOutboxAsync();
        Assert.Equal(
            [Order.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value, Invoice.Keys.Tenant(7).Value, Order.Keys.Tenant(7).Value],
            rows.Select(r => r.Key));

        // The hub publishes the one row of each computed key (all three watched: what it holds is what the dispatcher published).
        await HubAssert.WaitForVersionAsync(app.Hub, Order.Keys.Tenant(7), rows[^1].Id);
        Assert.Equal(rows[1].Id, HubAssert.Held(app.Hub, Dashboard).Version);
        Assert.Equal(rows[2].Id, HubAssert.Held(app.Hub, Overview).Version);

        // Separate transactions move it once each: a save outside one, and one inside a transaction of its own.
        await app.WithContextAsync(async context =>
        {
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
        });
        Assert.Equal(2, (await ReadOutboxAsync()).Count(r => r.Key == Dashboard.Value));
        await app.WithContextAsync(async context =>
        {
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        });
        Assert.Equal(3, (await ReadOutboxAsync()).Count(r => r.Key == Dashboard.Value));
    }

    [Fact]
    public async Task A_save_and_InvalidateSignalsAsync_of_one_transaction_move_the_computed_key_once()
    {
        await CreateDatabaseAsync("computedtxinvalidate");
        await using ChatDbContext context = CreateContext();
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
            (await ReadOutboxAsync()).Select(r => r.Key));

        // Invalidated first, then saved: the save's insert finds the invalidation's rows.
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(2, (await ReadOutboxAsync()).Count(r => r.Key == Dashboard.Value));
        Assert.Equal(2, (await ReadOutboxAsync()).Count(r => r.Key == Overview.Value));

        // The same on the synchronous paths.
        using (IDbContextTransaction transaction = context.Database.BeginTransaction())
        {
            context.InvalidateSignals([Dashboard]);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            context.SaveChanges();
            context.InvalidateSignals([Order.Keys.Tenant(7)]);
            transaction.Commit();
        }

        List<SignalOutboxEntry> rows = await ReadOutboxAsync();
        Assert.Equal(3, rows.Count(r => r.Key == Dashboard.Value));
        Assert.Equal(3, rows.Count(r => r.Key == Overview.Value));
        Assert.Equal([Invoice.Keys.Tenant(7).Value, Order.Keys.Tenant(7).Value], rows.TakeLast(2).Select(r => r.Key));
    }

    [Fact]
    public async Task A_bump_undone_by_a_raw_savepoint_rollback_is_not_lost()
    {
        await CreateDatabaseAsync("computedtxsavepoint");
        await using ChatDbContext context = CreateContext();
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
        Assert.Equal([Invoice.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value], (await ReadOutboxAsync()).Select(r => r.Key));
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
            (await ReadOutboxAsync()).Select(r => r.Key));
    }

    [Fact]
    public async Task A_bump_undone_by_RollbackToSavepoint_or_a_failed_save_is_not_lost()
    {
        await CreateDatabaseAsync("computedtxefsavepoint");
        await using ChatDbContext context = CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await transaction.CreateSavepointAsync("s", Cancel);
            await context.InvalidateSignalsAsync([Order.Keys.Tenant(7)], Cancel);
            await transaction.RollbackToSavepointAsync("s", Cancel);
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal([Invoice.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value], (await ReadOutboxAsync()).Select(r => r.Key));

        // A save that fails after its rows went in (the update of a missing invoice): EF Core rolls it back to its own savepoint.
        context.ChangeTracker.Clear();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Orders.Add(new Order { TenantId = 7 });
            context.Invoices.Update(new Invoice { Id = 999, TenantId = 8 });
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync(Cancel));
            context.ChangeTracker.Clear();
            context.Invoices.Add(new Invoice { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(
            [Invoice.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value, Invoice.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value],
            (await ReadOutboxAsync()).Select(r => r.Key));
    }

    [Fact]
    public async Task A_rolled_back_transaction_moves_nothing_and_the_next_one_moves_the_key()
    {
        await CreateDatabaseAsync("computedtxrollback");
        await using ChatDbContext context = CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Orders.Add(new Order { TenantId = 7 });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        Assert.Empty(await ReadOutboxAsync());

        // The same connection (pooled) and a new transaction: the rolled-back floor is gone with it.
        context.ChangeTracker.Clear();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        await context.InvalidateSignalsAsync([Dashboard], Cancel);
        Assert.Equal([Dashboard.Value, Overview.Value, Dashboard.Value, Overview.Value], (await ReadOutboxAsync()).Select(r => r.Key));

        // Two calls of one transaction move it once; two calls outside any, twice.
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await context.InvalidateSignalsAsync([Dashboard], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        await context.InvalidateSignalsAsync([Dashboard], Cancel);
        await context.InvalidateSignalsAsync([Dashboard], Cancel);
        Assert.Equal(5, (await ReadOutboxAsync()).Count(r => r.Key == Dashboard.Value));
    }

    [Fact]
    public async Task Two_contexts_sharing_one_DbTransaction_move_the_computed_key_once()
    {
        await CreateDatabaseAsync("computedtxshared");
        await using DbConnection connection = await OpenConnectionAsync();
        await using ChatDbContext first = CreateContext(connection);
        await using ChatDbContext second = CreateContext(connection);
        await using (IDbContextTransaction transaction = await first.Database.BeginTransactionAsync(Cancel))
        {
            await second.Database.UseTransactionAsync(transaction.GetDbTransaction(), Cancel);
            first.Orders.Add(new Order { TenantId = 7 });
            await first.SaveChangesAsync(Cancel);
            second.Invoices.Add(new Invoice { TenantId = 7 });
            await second.SaveChangesAsync(Cancel);
            await second.InvalidateSignalsAsync([Order.Keys.Tenant(7)], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(
            [Order.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value, Invoice.Keys.Tenant(7).Value, Order.Keys.Tenant(7).Value],
            (await ReadOutboxAsync()).Select(r => r.Key));
    }

    /// <summary>Creates a new database of the provider under test and starts an instance on it.</summary>
    private protected abstract Task<SignalsTestApp> StartAsync(string name);

    /// <summary>Creates a new database of the provider under test, with the test model's tables.</summary>
    private protected abstract Task CreateDatabaseAsync(string name);

    /// <summary>A context made with <c>new</c> on the database, with Signals on the provider under test.</summary>
    private protected abstract ChatDbContext CreateContext();

    /// <summary>A context on an open connection of the database (to share it, and a transaction, with another context).</summary>
    private protected abstract ChatDbContext CreateContext(DbConnection connection);

    /// <summary>Opens a connection of the provider's own ADO.NET client to the database.</summary>
    private protected abstract Task<DbConnection> OpenConnectionAsync();

    /// <summary>Reads every outbox row of the database, in id order.</summary>
    private protected abstract Task<List<SignalOutboxEntry>> ReadOutboxAsync();
}

/// <summary>
/// On PostgreSQL the skip looks the key's row of this transaction up by transaction id (<see cref="ComputedKeyDedupe"/>), so it covers
/// every writer, capture triggers included.
/// </summary>
/// <param name="server">The throwaway server.</param>
public sealed class PostgresComputedTransactionTests(PostgresServer server) : ComputedTransactionTests
{
    private string _database = "";

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

    private protected override async Task<SignalsTestApp> StartAsync(string name)
    {
        await CreateDatabaseAsync(name);
        return await SignalsTestApp.StartPostgresAsync(_database, SignalsTestApp.NoSafetyPoll);
    }

    private protected override async Task CreateDatabaseAsync(string name) => _database = await TestDatabase.CreateAsync(server, name);

    private protected override ChatDbContext CreateContext() => TestDatabase.CreateContext(_database);

    private protected override ChatDbContext CreateContext(DbConnection connection)
        => new(new DbContextOptionsBuilder<ChatDbContext>().UseNpgsql(connection).UseSignals(signals => signals.UsePostgreSql()).Options);

    private protected override async Task<DbConnection> OpenConnectionAsync()
    {
        var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync(Cancel);
        return connection;
    }

    private protected override Task<List<SignalOutboxEntry>> ReadOutboxAsync() => TestDatabase.ReadOutboxAsync(_database);
}

/// <summary>
/// On a SQLite file the writes EF Core makes remember, per EF Core transaction, the rows of the computed keys they wrote
/// (<see cref="TransactionComputedKeys"/>), and a later write skips a key whose row (same id, same key) is still there.
/// </summary>
public sealed class SqliteComputedTransactionTests : ComputedTransactionTests, IDisposable
{
    private SqliteTestDatabase? _database;

    private SqliteTestDatabase Database => _database ?? throw new InvalidOperationException("Create the database first.");

    public void Dispose() => _database?.Dispose();

    [Fact]
    public async Task A_remembered_id_that_a_rollback_handed_to_another_key_causes_no_skip()
    {
        // SQLite restores the AUTOINCREMENT counter on a rollback, so the ids a rolled-back write drew are drawn again by the next one.
        await CreateDatabaseAsync("computedtxreused");
        await using ChatDbContext context = CreateContext();
        await using (IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await transaction.CreateSavepointAsync("s", Cancel);
            await context.InvalidateSignalsAsync([Order.Keys.Tenant(7)], Cancel); // ids 1-3: the order's key, then the computed ones
            await transaction.RollbackToSavepointAsync("s", Cancel);
            await context.InvalidateSignalsAsync([ChatMessage.Room("a"), ChatMessage.Room("b"), ChatMessage.Room("c")], Cancel); // ids 1-3 again
            await context.InvalidateSignalsAsync([Invoice.Keys.Tenant(7)], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        List<SignalOutboxEntry> rows = await ReadOutboxAsync();
        Assert.Equal([1, 2, 3], rows.Take(3).Select(r => r.Id));
        Assert.Equal(
            [ChatMessage.Room("a").Value, ChatMessage.Room("b").Value, ChatMessage.Room("c").Value, Invoice.Keys.Tenant(7).Value, Dashboard.Value, Overview.Value],
            rows.Select(r => r.Key));
    }

    private protected override async Task<SignalsTestApp> StartAsync(string name)
    {
        await CreateDatabaseAsync(name);
        return await SignalsTestApp.StartSqliteAsync(Database.ConnectionString, static o => o.PollInterval = TimeSpan.FromMilliseconds(50));
    }

    private protected override async Task CreateDatabaseAsync(string name) => _database = await SqliteTestDatabase.CreateAsync(name);

    private protected override ChatDbContext CreateContext() => Database.CreateContext();

    private protected override ChatDbContext CreateContext(DbConnection connection)
        => new(new DbContextOptionsBuilder<ChatDbContext>().UseSqlite(connection).UseSignals(signals => signals.UseSqlite()).Options);

    private protected override async Task<DbConnection> OpenConnectionAsync()
    {
        var connection = new SqliteConnection(Database.ConnectionString);
        await connection.OpenAsync(Cancel);
        return connection;
    }

    private protected override Task<List<SignalOutboxEntry>> ReadOutboxAsync() => Database.ReadOutboxAsync();
}
