using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using Signals.Samples.Chat.Clock;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// The sample's clock (<c>AddSignalProducer("time:room:{RoomId}", …)</c>) on two instances of one database: one copy runs at a time
/// across both, it moves to the other instance when its owner dies, and it stops a grace period after the last watcher left.
/// </summary>
public abstract class ProducerTests : IAsyncLifetime
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(1);
    private static readonly SignalKey Key = ClockTick.Keys.Value("general");

    private readonly List<ChatInstance> _instances = [];
    private MeterListener? _listener;
    private int _running;
    private int _maxRunning;
    private int _starts;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        ChatStorage storage = await CreateStorageAsync(timeout.Token);
        storage = storage with
        {
            Args = [.. storage.Args, "--Signals:Producers:GracePeriod", GracePeriod.ToString(), "--Signals:Producers:LockRetryInterval", "00:00:00.200"],
        };
        _instances.Add(await ChatInstance.StartAsync("app-a", storage, timeout.Token));
        _instances.Add(await ChatInstance.StartAsync("app-b", storage, timeout.Token));

        // Every start and end of a producer run on either instance (and only theirs: tests in parallel have their own meters).
        Meter[] meters = [.. _instances.Select(static i => i.Services.GetRequiredService<SignalsMetrics>().Meter)];
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (meters.Contains(instrument.Meter) && instrument.Name == "signals.producers.running")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, delta, _, _) =>
        {
            int running = Interlocked.Add(ref _running, (int)delta);
            if (delta > 0)
            {
                Interlocked.Increment(ref _starts);
            }

            int max;
            while (running > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, max) != max)
            {
            }
        });
        _listener.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _listener?.Dispose();
        foreach (ChatInstance instance in _instances)
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task One_copy_runs_while_both_instances_watch_and_it_moves_to_the_other_when_its_owner_dies()
    {
        ChatInstance a = _instances[0], b = _instances[1];
        using CancellationTokenSource deadline = TestDeadline.Start(60);
        await using SseClient onA = await SignalEvents.OpenAsync(a.Http, [Key], deadline.Token);
        await using SseClient onB = await SignalEvents.OpenAsync(b.Http, [Key], deadline.Token);

        // Both see ticks, from one copy: three ticks each, whoever produces them.
        await ReadTicksAsync(onA, 3);
        await ReadTicksAsync(onB, 3);
        Assert.Equal(1, Volatile.Read(ref _running));
        Assert.Equal(1, Volatile.Read(ref _starts));
        ChatInstance owner = Producers(a).IsRunning(Key) ? a : b, survivor = owner == a ? b : a;
        Assert.True(Producers(owner).IsRunning(Key));
        Assert.False(Producers(survivor).IsRunning(Key));

        // The owner dies: its lock dies with it, and the survivor, whose subscriber still watches, takes the key over.
        SseClient survivorEvents = survivor == a ? onA : onB;
        _instances.Remove(owner);
        await owner.DisposeAbruptlyAsync();
        var failover = Stopwatch.StartNew();
        await WaitUntilAsync(() => Producers(survivor).IsRunning(Key), "the survivor to run the producer");
        failover.Stop();
        await ReadTicksAsync(survivorEvents, 2);

        Assert.Equal(1, Volatile.Read(ref _maxRunning));
        Assert.Equal(2, Volatile.Read(ref _starts));
        Assert.True(failover.Elapsed < TimeSpan.FromSeconds(5), $"The survivor took {failover.Elapsed} to take the producer over.");
    }

    [Fact]
    public async Task Producer_stops_a_grace_period_after_the_last_watcher_anywhere_left()
    {
        ChatInstance a = _instances[0], b = _instances[1];
        using CancellationTokenSource deadline = TestDeadline.Start(60);
        Assert.False(Producers(a).IsRunning(Key) || Producers(b).IsRunning(Key));

        // A subscriber on B starts it (on B: nobody on A watches, so A never competes).
        SseClient onB = await SignalEvents.OpenAsync(b.Http, [Key], deadline.Token);
        await ReadTicksAsync(onB, 2);
        Assert.True(Producers(b).IsRunning(Key));
        Assert.False(Producers(a).IsRunning(Key));

        // The subscriber leaves: the producer keeps running for the grace period, then stops, and the key stops moving.
        await onB.DisposeAsync();
        await WaitUntilAsync(() => b.Services.GetRequiredService<SignalHub>().GetWatcherCount(Key) == 0, "B's subscriber to leave");
        var unwatched = Stopwatch.StartNew();
        await WaitUntilAsync(() => !Producers(b).IsRunning(Key), "the producer to stop");
        Assert.True(unwatched.Elapsed >= GracePeriod * 0.8, $"The producer stopped {unwatched.Elapsed} after its last watcher left, within the grace period ({GracePeriod}).");
        Assert.Equal(0, Volatile.Read(ref _running));

        long last = (await b.Services.GetRequiredService<SignalHub>().GetVersionAsync(Key, Cancel)).Version;
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancel);
        Assert.Equal(last, (await b.Services.GetRequiredService<SignalHub>().GetVersionAsync(Key, Cancel)).Version);
        Assert.Equal(1, Volatile.Read(ref _starts));

        // A watcher on A later starts it again, on A.
        await using SseClient onA = await SignalEvents.OpenAsync(a.Http, [Key], deadline.Token);
        await ReadTicksAsync(onA, 2);
        Assert.True(Producers(a).IsRunning(Key));
        Assert.Equal(1, Volatile.Read(ref _maxRunning));
    }

    [Fact]
    public async Task When_the_owners_last_watcher_leaves_the_instance_still_watching_takes_the_key_over_after_the_grace_period()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(60);
        (SseClient onA, SseClient onB) = await WatchOnBothAsync(deadline.Token);
        int owner = IsRunning(0) ? 0 : 1, other = 1 - owner;
        Assert.True(IsRunning(owner));
        await using SseClient staying = owner == 0 ? onB : onA;

        // The owner's subscriber leaves; the other instance's still watches, so the key is still watched in the cluster: the owner
        // keeps it for its grace period, then stops and releases the lock, and the other instance takes it over.
        await (owner == 0 ? onA : onB).DisposeAsync();
        var left = Stopwatch.StartNew();
        await WaitUntilAsync(() => IsRunning(other), "the instance still watching to take the producer over");
        Assert.True(left.Elapsed >= GracePeriod * 0.8, $"The owner handed the key over {left.Elapsed} after its last watcher left, within the grace period ({GracePeriod}).");
        Assert.False(IsRunning(owner));

        // Ticks go on for the subscriber that stayed, from the new owner, and never from two copies at once.
        long atTakeover = (await _instances[other].Services.GetRequiredService<SignalHub>().GetVersionAsync(Key, Cancel)).Version;
        SignalEvents.SignalEvent tick;
        do
        {
            tick = await staying.NextSignalAsync();
        }
        while (tick.Version <= atTakeover);

        Assert.Equal(1, Volatile.Read(ref _maxRunning));
        Assert.Equal(2, Starts);
    }

    /// <summary>Creates the database both instances share.</summary>
    private protected abstract Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken);

    /// <summary>Opens streams of the clock on both instances and waits until they tick.</summary>
    private protected async Task<(SseClient OnA, SseClient OnB)> WatchOnBothAsync(CancellationToken deadline)
    {
        SseClient onA = await SignalEvents.OpenAsync(_instances[0].Http, [Key], deadline);
        SseClient onB = await SignalEvents.OpenAsync(_instances[1].Http, [Key], deadline);
        await ReadTicksAsync(onA, 2);
        await ReadTicksAsync(onB, 2);
        return (onA, onB);
    }

    /// <summary>Gets how many producer runs started on either instance so far.</summary>
    private protected int Starts => Volatile.Read(ref _starts);

    /// <summary>Gets how many producer runs are running on both instances together.</summary>
    private protected int Running => Volatile.Read(ref _running);

    /// <summary>Gets whether an instance runs the clock's producer.</summary>
    private protected bool IsRunning(int instance) => Producers(_instances[instance]).IsRunning(Key);

    private static SignalProducers Producers(ChatInstance instance) => instance.Services.GetRequiredService<SignalProducers>();

    /// <summary>Reads <paramref name="count"/> ticks (changes after the first event, which is the key's current version).</summary>
    private protected static async Task ReadTicksAsync(SseClient events, int count)
    {
        long previous = (await events.NextSignalAsync()).Version;
        for (int i = 0; i < count; i++)
        {
            long version = (await events.NextSignalAsync()).Version;
            Assert.True(version > previous);
            previous = version;
        }
    }

    private protected static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), $"Timed out waiting for {what}.");
            await Task.Delay(20, Cancel);
        }
    }
}

/// <summary>The clock's producer on two instances of one PostgreSQL database: session-level advisory locks.</summary>
/// <param name="postgres">The assembly's PostgreSQL server.</param>
public sealed class ProducerOnPostgreSqlTests(PostgresServer postgres) : ProducerTests
{
    private string _connectionString = "";

    [Fact]
    public async Task Owner_whose_lock_connection_is_killed_stops_and_the_key_is_produced_again()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(60);
        (SseClient onA, SseClient onB) = await WatchOnBothAsync(deadline.Token);
        await using (onA)
        await using (onB)
        {
            int owner = IsRunning(0) ? 0 : 1;
            Assert.Equal(1, Starts);

            // The server ends the session that holds the advisory lock, as it does when the owner's host vanishes: the lock is free at
            // once, the owner learns it lost the lock at its next probe and stops, and whoever takes the lock next produces the key.
            await using (var connection = new NpgsqlConnection(_connectionString))
            {
                await connection.OpenAsync(deadline.Token);
                await using var kill = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_database d ON d.oid = l.database " +
                    "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()", connection);
                Assert.Equal(1L, await kill.ExecuteScalarAsync(deadline.Token));
            }

            await WaitUntilAsync(() => Starts >= 2 && Running == 1, "the key to be produced again, by one copy");
            await ReadTicksAsync(onA, 2);
            await ReadTicksAsync(onB, 2);
            Assert.Equal(1, Running);
            Assert.True(IsRunning(0) ^ IsRunning(1), $"Instance {owner} owned the key; now A runs it: {IsRunning(0)}, B: {IsRunning(1)}.");
        }
    }

    private protected override async Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken)
        => ChatStorage.PostgreSql(_connectionString = await postgres.CreateDatabaseAsync("producers", cancellationToken));
}

/// <summary>The clock's producer on two instances of one SQLite file: lock files beside the database.</summary>
public sealed class ProducerOnSqliteTests : ProducerTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private protected override Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken)
        => Task.FromResult(ChatStorage.SqliteFile(_directory.File("chat.db")));
}
