using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The epoch of a database's version line (<c>signals_deployment</c>): written once by the first dispatcher, the same for every instance
/// on the database and after restarts, another for another database; a database without the table keeps working without one.
/// </summary>
public sealed class DeploymentEpochTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task On_PostgreSQL_instances_starting_together_share_one_epoch_that_survives_a_restart_and_differs_per_database()
    {
        string db = await TestDatabase.CreateAsync(server, "epoch_one");
        string other = await TestDatabase.CreateAsync(server, "epoch_two");
        Task<SignalsTestApp> startingA = SignalsTestApp.StartPostgresAsync(db);
        Task<SignalsTestApp> startingB = SignalsTestApp.StartPostgresAsync(db);
        await using SignalsTestApp a = await startingA;
        await using SignalsTestApp b = await startingB;

        string epoch = await EpochAsync(a);
        Assert.Equal(epoch, await EpochAsync(b));
        Assert.Equal(epoch, await TestDatabase.ScalarAsync<string>(db, "SELECT epoch FROM signals_deployment"));
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM signals_deployment"));
        Assert.Matches("^[0-9a-f]{16}$", epoch);

        await using (SignalsTestApp restarted = await SignalsTestApp.StartPostgresAsync(db))
        {
            Assert.Equal(epoch, await EpochAsync(restarted));
        }

        await using SignalsTestApp elsewhere = await SignalsTestApp.StartPostgresAsync(other);
        Assert.NotEqual(epoch, await EpochAsync(elsewhere));
    }

    [Fact]
    public async Task An_instance_whose_epoch_insert_meets_another_instances_row_takes_that_row_and_logs_no_error()
    {
        string db = await TestDatabase.CreateAsync(server, "epoch_race");

        // Another instance's insert, not yet committed: the dispatcher's read sees no row, and its insert waits on the primary key.
        await using var other = new NpgsqlConnection(db);
        await other.OpenAsync(Cancel);
        await using NpgsqlTransaction transaction = await other.BeginTransactionAsync(Cancel);
        await using (var insert = new NpgsqlCommand("INSERT INTO signals_deployment (id, epoch, created_at) VALUES (1, 'winner', now())", other, transaction))
        {
            await insert.ExecuteNonQueryAsync(Cancel);
        }

        var logs = new LogRecorder();
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, logs: logs);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        waiting.CancelAfter(TimeSpan.FromSeconds(30));
        while (await TestDatabase.ScalarAsync<long>(
            db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO%signals_deployment%'") == 0)
        {
            await Task.Delay(20, waiting.Token);
        }

        await transaction.CommitAsync(Cancel);

        Assert.Equal("winner", await EpochAsync(app));
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM signals_deployment"));
        Assert.Equal(0, logs.CountAtLeast(LogLevel.Error));
    }

    [Fact]
    public async Task On_SQLite_the_epoch_survives_a_restart_and_differs_per_database()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("epoch_one");
        using SqliteTestDatabase other = await SqliteTestDatabase.CreateAsync("epoch_two");
        string epoch;
        await using (SignalsTestApp first = await SignalsTestApp.StartSqliteAsync(db.ConnectionString))
        {
            epoch = await EpochAsync(first);
        }

        Assert.Equal(epoch, await db.ScalarAsync<string>("SELECT epoch FROM signals_deployment"));
        await using SignalsTestApp restarted = await SignalsTestApp.StartSqliteAsync(db.ConnectionString);
        Assert.Equal(epoch, await EpochAsync(restarted));
        await using SignalsTestApp elsewhere = await SignalsTestApp.StartSqliteAsync(other.ConnectionString);
        Assert.NotEqual(epoch, await EpochAsync(elsewhere));
    }

    [Fact]
    public async Task A_database_without_the_table_is_served_without_an_epoch_and_says_so_once()
    {
        string db = await TestDatabase.CreateAsync(server, "epoch_missing");
        await TestDatabase.ExecuteAsync(db, "DROP TABLE signals_deployment");
        var logs = new LogRecorder();
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, logs: logs);

        await app.WaitForHealthAsync(HealthStatus.Healthy, TimeSpan.FromSeconds(30));
        await TestDatabase.SaveMessageAsync(db, "no-epoch", "still dispatched");
        await TestDatabase.NotifyAsync(db);
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("no-epoch"));
        Assert.Null(app.Hub.Epoch);
        Assert.Equal(1, logs.Count("EpochTableMissing"));
        Assert.False(await TestDatabase.ScalarAsync<bool>(db, "SELECT to_regclass('signals_deployment') IS NOT NULL"));
    }

    /// <summary>The hub's epoch once the dispatcher has read it (before its first read of the outbox, so by the time it is healthy).</summary>
    private static async Task<string> EpochAsync(SignalsTestApp app)
    {
        await app.WaitForHealthAsync(HealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return app.Hub.Epoch ?? throw new Xunit.Sdk.XunitException("The dispatcher is healthy but the hub has no epoch.");
    }
}
