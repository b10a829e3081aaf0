using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Signals.EntityFrameworkCore.PostgreSql;
using Signals.EntityFrameworkCore.Sqlite;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The producer locks of the providers, two holders on one database as two instances would be: exclusive per key, free again on
/// release, and (PostgreSQL) lost — and free for the other — when the holder's session ends or its connection goes silent.
/// </summary>
/// <param name="server">The assembly's PostgreSQL server.</param>
public sealed class ProducerLockTests(PostgresServer server)
{
    private static readonly SignalKey General = SignalKey.Parse("time:room:general");
    private static readonly SignalKey Random = SignalKey.Parse("time:room:random");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_lock_files_let_one_holder_per_key_and_free_it_on_release()
    {
        using SqliteTestDatabase database = await SqliteTestDatabase.CreateAsync("locks", schema: false);
        string directory = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource + ".producers";
        var a = new FileProducerLocks(directory);
        var b = new FileProducerLocks(directory);

        await AssertExclusiveAsync(a, b);
        Assert.Equal(2, Directory.GetFiles(directory, "*.lock").Length);
    }

    [Fact]
    public async Task Postgres_advisory_locks_let_one_holder_per_key_and_free_it_on_release()
    {
        string db = await TestDatabase.CreateAsync(server, "producer_locks");
        await using var a = new PostgresProducerLocks(db, NullLogger.Instance);
        await using var b = new PostgresProducerLocks(db, NullLogger.Instance);

        await AssertExclusiveAsync(a, b);
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    [Fact]
    public async Task Postgres_lease_is_lost_when_the_server_ends_its_session_and_the_key_is_free_for_another()
    {
        string db = await TestDatabase.CreateAsync(server, "producer_locks_killed");
        await using var a = new PostgresProducerLocks(db, NullLogger.Instance);
        await using var b = new PostgresProducerLocks(db, NullLogger.Instance);
        ProducerLease held = (await a.TryAcquireAsync(General, Cancel))!;
        Assert.Null(await b.TryAcquireAsync(General, Cancel));

        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(
            db, "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));

        var noticed = Stopwatch.StartNew();
        await Task.Delay(Timeout.InfiniteTimeSpan, held.Lost).ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        Assert.True(noticed.Elapsed < TimeSpan.FromSeconds(3), $"The holder noticed after {noticed.Elapsed}.");
        ProducerLease? taken = await b.TryAcquireAsync(General, Cancel);
        Assert.NotNull(taken);
        await held.DisposeAsync();
        await taken.DisposeAsync();

        // The first holder reconnects on its next attempt.
        ProducerLease again = (await a.TryAcquireAsync(General, Cancel))!;
        Assert.False(again.Lost.IsCancellationRequested);
        await again.DisposeAsync();
    }

    [Fact]
    public async Task Postgres_lease_is_lost_when_its_connection_goes_silent()
    {
        string db = await TestDatabase.CreateAsync(server, "producer_locks_silent");
        (FreezableTcpProxy proxy, string throughProxy) = FreezableTcpProxy.Start(db, "");
        await using (proxy)
        {
            await using var a = new PostgresProducerLocks(throughProxy, NullLogger.Instance);
            ProducerLease held = (await a.TryAcquireAsync(General, Cancel))!;
            proxy.FreezeExisting();

            var noticed = Stopwatch.StartNew();
            await Task.Delay(Timeout.InfiniteTimeSpan, held.Lost).ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
            Assert.True(noticed.Elapsed < TimeSpan.FromSeconds(10), $"The holder noticed after {noticed.Elapsed}.");
            await held.DisposeAsync();
        }
    }

    /// <summary>Two holders: each key has one at a time, keys are independent, and a released key can be taken by the other.</summary>
    private static async Task AssertExclusiveAsync(ProducerLocks a, ProducerLocks b)
    {
        ProducerLease general = (await a.TryAcquireAsync(General, Cancel))!;
        Assert.NotNull(general);
        Assert.Null(await b.TryAcquireAsync(General, Cancel));
        ProducerLease random = (await b.TryAcquireAsync(Random, Cancel))!;
        Assert.NotNull(random);
        Assert.Null(await a.TryAcquireAsync(Random, Cancel));

        await general.DisposeAsync();
        ProducerLease moved = (await b.TryAcquireAsync(General, Cancel))!;
        Assert.NotNull(moved);
        Assert.Null(await a.TryAcquireAsync(General, Cancel));
        Assert.False(moved.Lost.IsCancellationRequested);
        await moved.DisposeAsync();
        await random.DisposeAsync();
    }
}
