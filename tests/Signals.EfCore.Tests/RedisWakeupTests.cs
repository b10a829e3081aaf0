using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Signals.Redis;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The optional Redis accelerator (<c>AddRedis()</c>, <see cref="SignalsRedisOptions"/>) against a real <c>redis-server</c>: instances
/// of the polling dispatcher with an hour-long poll can only learn of each other's saves through it, and stopping Redis loses nothing.
/// </summary>
public sealed class RedisWakeupTests(PostgresServer server)
{
    private static readonly TimeSpan NoPoll = TimeSpan.FromHours(1);

    [Fact]
    public async Task A_save_on_one_instance_reaches_the_other_through_Redis_long_before_its_poll()
    {
        await using RedisServer redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        string db = await TestDatabase.CreateAsync(server, "redisab");
        await using SignalsTestApp a = await StartAsync(db, redis.Configuration, NoPoll);
        await using SignalsTestApp b = await StartAsync(db, redis.Configuration, NoPoll);
        await WaitForRedisAsync(connected: true, a, b);

        long version = await SaveAsync(a, db, "general");

        await HubAssert.WaitForVersionAsync(b.Hub, ChatMessage.Room("general"), version);
    }

    [Fact]
    public async Task Stopping_Redis_mid_run_loses_nothing_and_wake_ups_resume_when_it_is_back()
    {
        const int Writers = 4;
        const int SavesPerWriter = 25;
        const int Rooms = 6;
        await using RedisServer redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        string db = await TestDatabase.CreateAsync(server, "redisoutage");
        await using SignalsTestApp writer = await StartAsync(db, redis.Configuration, NoPoll);
        await using SignalsTestApp polling = await StartAsync(db, redis.Configuration, TimeSpan.FromMilliseconds(200));
        await using SignalsTestApp redisOnly = await StartAsync(db, redis.Configuration, NoPoll);
        await WaitForRedisAsync(connected: true, writer, polling, redisOnly);

        // Concurrent writers; the one that completes the middle save kills Redis, so the rest commit while it is down.
        int saved = 0;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < SavesPerWriter; i++)
            {
                await writer.WithContextAsync(context =>
                {
                    context.Messages.Add(new ChatMessage { RoomId = Room((w + i) % Rooms), Text = $"{w}/{i}" });
                    return context.SaveChangesAsync(TestContext.Current.CancellationToken);
                });
                if (Interlocked.Increment(ref saved) == Writers * SavesPerWriter / 2)
                {
                    await redis.StopAsync(TestContext.Current.CancellationToken);
                }
            }
        })));
        Dictionary<string, long> latest = (await TestDatabase.ReadOutboxAsync(db))
            .GroupBy(static r => r.Key)
            .ToDictionary(static g => g.Key, static g => g.Max(static r => r.Id), StringComparer.Ordinal);
        Assert.Equal(Rooms + 1, latest.Count);

        // Redis down: saves went on, the writer's own dispatcher and the safety poll deliver every key's last version, and the health
        // check stays healthy (Redis is optional) while reporting it.
        await WaitForRedisAsync(connected: false, writer, polling, redisOnly);
        await WaitForLatestAsync(latest, writer, polling);

        // Redis back: the reconnect makes the instance without a poll read what it missed, and wake-ups flow again.
        await redis.StartAgainAsync(TestContext.Current.CancellationToken);
        await WaitForLatestAsync(latest, redisOnly);
        await WaitForRedisAsync(connected: true, writer, polling, redisOnly);
        await WaitForWakeUpAsync(writer, redisOnly, db);
    }

    [Fact]
    public async Task An_instance_started_while_Redis_is_down_saves_and_reads_and_is_woken_once_Redis_is_up()
    {
        await using RedisServer redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        await redis.StopAsync(TestContext.Current.CancellationToken);
        string db = await TestDatabase.CreateAsync(server, "redislate");
        string configuration = redis.Configuration + ",connectTimeout=1000";
        await using SignalsTestApp a = await StartAsync(db, configuration, NoPoll);
        await using SignalsTestApp b = await StartAsync(db, configuration, NoPoll);
        await WaitForRedisAsync(connected: false, a, b);

        long version = await SaveAsync(a, db, "early");
        await HubAssert.WaitForVersionAsync(a.Hub, ChatMessage.Room("early"), version);

        await redis.StartAgainAsync(TestContext.Current.CancellationToken);
        await WaitForRedisAsync(connected: true, a, b);
        await HubAssert.WaitForVersionAsync(b.Hub, ChatMessage.Room("early"), version);
        await WaitForWakeUpAsync(a, b, db);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("{0},noSuchOption=1")]
    [InlineData("{0},abortConnect=sometimes")]
    public async Task A_bad_Redis_configuration_fails_at_start_up_with_a_clear_message_and_connects_nowhere(string configuration)
    {
        await using RedisServer redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        string connectionsBefore = (await redis.InfoAsync("stats", TestContext.Current.CancellationToken))["total_connections_received"];

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => SignalsTestApp.StartInMemoryAsync(
            Guid.NewGuid().ToString("N"),
            new InMemoryDatabaseRoot(),
            outbox: outbox => outbox.AddRedis(string.Format(CultureInfo.InvariantCulture, configuration, redis.Configuration))));

        Assert.Contains(nameof(SignalsRedisOptions.Configuration), error.Message, StringComparison.Ordinal);
        Assert.Contains("StackExchange.Redis configuration string", error.Message, StringComparison.Ordinal);

        // Only this INFO connected since the one above: the app never reached Redis.
        string connectionsAfter = (await redis.InfoAsync("stats", TestContext.Current.CancellationToken))["total_connections_received"];
        Assert.Equal(int.Parse(connectionsBefore, CultureInfo.InvariantCulture) + 1, int.Parse(connectionsAfter, CultureInfo.InvariantCulture));
    }

    private static Task<SignalsTestApp> StartAsync(string db, string redisConfiguration, TimeSpan pollInterval)
        => SignalsTestApp.StartPostgresAsync(
            db,
            o => o.PollInterval = pollInterval,
            outbox => outbox.UsePostgreSql(p => p.UsePollingDispatcher = true).AddRedis(redisConfiguration));

    private static string Room(int index) => string.Create(CultureInfo.InvariantCulture, $"room-{index}");

    /// <summary>Saves a message on <paramref name="app"/> and returns the version of its room key.</summary>
    private static async Task<long> SaveAsync(SignalsTestApp app, string db, string room)
    {
        await app.SaveMessageAsync(room, "hello");
        string key = ChatMessage.Room(room).Value;
        return (await TestDatabase.ReadOutboxAsync(db)).Where(r => r.Key == key).Max(r => r.Id);
    }

    /// <summary>Waits until every app has loaded and is healthy, and reports Redis as <paramref name="connected"/>.</summary>
    private static async Task WaitForRedisAsync(bool connected, params SignalsTestApp[] apps)
    {
        foreach (SignalsTestApp app in apps)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(HubAssert.DefaultTimeout);
            while (true)
            {
                HealthReport report = await app.CheckHealthAsync();
                if (report.Status == HealthStatus.Healthy
                    && report.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Data.TryGetValue($"{nameof(ChatDbContext)}.redis", out object? redis)
                    && Equals(redis, connected))
                {
                    break;
                }

                try
                {
                    await Task.Delay(20, timeout.Token);
                }
                catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException(
                        $"Health did not become Healthy with Redis {(connected ? "connected" : "disconnected")}: {report.Status}, " +
                        string.Join(", ", report.Entries.SelectMany(static e => e.Value.Data).Select(static d => $"{d.Key}={d.Value}")));
                }
            }
        }
    }

    private static async Task WaitForLatestAsync(Dictionary<string, long> latest, params SignalsTestApp[] apps)
    {
        foreach (SignalsTestApp app in apps)
        {
            foreach ((string key, long version) in latest)
            {
                await HubAssert.WaitForVersionAsync(app.Hub, SignalKey.Parse(key), version);
            }
        }
    }

    /// <summary>
    /// Proves that a save on <paramref name="from"/> wakes <paramref name="to"/> (whose poll is an hour away). Redis restores its
    /// subscription just after it reports the connection back, so a message in between may go unheard: a few attempts, each bounded.
    /// </summary>
    private static async Task WaitForWakeUpAsync(SignalsTestApp from, SignalsTestApp to, string db)
    {
        for (int attempt = 1; ; attempt++)
        {
            long version = await SaveAsync(from, db, "after");
            try
            {
                await HubAssert.WaitForVersionAsync(to.Hub, ChatMessage.Room("after"), version, TimeSpan.FromSeconds(2));
                return;
            }
            catch (TimeoutException) when (attempt < 5)
            {
                // Sent before the subscription was restored; the next save tries again.
            }
        }
    }
}
