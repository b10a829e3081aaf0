using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>Outbox retention: old rows are compacted into the state table and deleted; versions survive; resume floors advance.</summary>
public sealed class RetentionTests(PostgresServer server)
{
    /// <summary>Rows older than an hour go, checked ten times a second; tests age rows by rewriting created_at.</summary>
    private static readonly Action<SignalsOutboxOptions> Retention = o =>
    {
        o.RetentionPeriod = TimeSpan.FromHours(1);
        o.CleanupInterval = TimeSpan.FromMilliseconds(100);
        o.CleanupBatchSize = 3;
        o.PollInterval = TimeSpan.FromMilliseconds(100);
    };

    [Fact]
    public async Task Two_instances_compact_old_rows_once_and_a_fresh_instance_loads_the_versions()
    {
        string db = await TestDatabase.CreateAsync(server, "retention");
        await using (ChatDbContext context = TestDatabase.CreateContext(db))
        {
            for (int i = 0; i < 5; i++)
            {
                context.Messages.Add(new ChatMessage { RoomId = $"room{i % 3}", Text = "old" });
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            }
        }

        List<SignalOutboxEntry> old = await TestDatabase.ReadOutboxAsync(db);
        await TestDatabase.ExecuteAsync(db, "UPDATE signals_outbox SET created_at = now() - interval '2 hours'");
        await TestDatabase.SaveMessageAsync(db, "room0", "young");

        await using SignalsTestApp first = await SignalsTestApp.StartPostgresAsync(db, Retention);
        await using SignalsTestApp second = await SignalsTestApp.StartPostgresAsync(db, Retention);
        await WaitUntilAsync(async () => await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM signals_outbox") == 2);

        // Every key's latest old version is in the state table; the young rows stay.
        await using (ChatDbContext context = TestDatabase.CreateContext(db))
        {
            List<(string, long)> state = [.. (await context.State.ToListAsync(TestContext.Current.CancellationToken)).Select(s => (s.Key, s.Version)).Order()];
            Assert.Equal([.. old.GroupBy(r => r.Key).Select(g => (g.Key, g.Max(r => r.Id))).Order()], state);
        }

        long compacted = old.Max(r => r.Id);
        foreach (SignalsTestApp app in new[] { first, second })
        {
            await WaitUntilAsync(() => Task.FromResult(app.Hub.ResumeFloor == compacted));
        }

        await using SignalsTestApp fresh = await SignalsTestApp.StartPostgresAsync(db, o => o.RetentionPeriod = Timeout.InfiniteTimeSpan);
        await fresh.WaitForHealthAsync(HealthStatus.Healthy);
        foreach (SignalOutboxEntry row in await TestDatabase.ReadOutboxAsync(db))
        {
            await HubAssert.WaitForVersionAsync(fresh.Hub, SignalKey.Parse(row.Key), row.Id);
        }

        foreach (IGrouping<string, SignalOutboxEntry> key in old.GroupBy(r => r.Key).Where(g => g.Key != ChatMessage.AnyMessage.Value && g.Key != ChatMessage.Room("room0").Value))
        {
            Assert.Equal(key.Max(r => r.Id), (await HubAssert.WaitForVersionAsync(fresh.Hub, SignalKey.Parse(key.Key), key.Max(r => r.Id))).Version);
        }

        Assert.Equal(compacted, fresh.Hub.ResumeFloor);
    }

    [Fact]
    public async Task A_row_compacted_before_a_running_dispatcher_read_it_still_arrives()
    {
        string db = await TestDatabase.CreateAsync(server, "compactunread");

        // Polling without LISTEN and a long interval: after its start-up load, this instance reads only when one of its own saves wakes it.
        await using SignalsTestApp reader = await SignalsTestApp.StartPostgresAsync(
            db,
            o =>
            {
                o.PollInterval = TimeSpan.FromMinutes(5);
                o.RetentionPeriod = Timeout.InfiniteTimeSpan;
            },
            SignalsTestApp.PostgresPolling);
        await reader.WaitForHealthAsync(HealthStatus.Healthy);
        using SignalSubscription watched = await HubAssert.WatchAsync(reader.Hub, ChatMessage.Room("compacted"));

        // Another writer commits an (aged) row, and another instance compacts it before the reader reads again.
        await using (ChatDbContext writer = TestDatabase.CreateContext(db))
        {
            writer.Messages.Add(new ChatMessage { RoomId = "compacted", Text = "unread" });
            await writer.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await TestDatabase.ExecuteAsync(db, "UPDATE signals_outbox SET created_at = now() - interval '2 hours'");
        await using (SignalsTestApp cleaner = await SignalsTestApp.StartPostgresAsync(db, Retention))
        {
            await WaitUntilAsync(async () => await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM signals_outbox") == 0);
        }

        long version = await TestDatabase.ScalarAsync<long>(db, "SELECT version FROM signals_state WHERE key = 'chat:room:compacted'");
        Assert.Equal(0, HubAssert.Held(reader.Hub, ChatMessage.Room("compacted")).Version);
        await reader.SaveMessageAsync("trigger", "wake up");

        Assert.Equal(version, (await HubAssert.WaitForVersionAsync(reader.Hub, ChatMessage.Room("compacted"), version)).Version);
        Assert.True(reader.Hub.ResumeFloor >= version);
    }

    [Fact]
    public async Task Polling_dispatcher_on_in_memory_compacts_and_a_restarted_instance_loads_the_versions()
    {
        var root = new InMemoryDatabaseRoot();
        string name = Guid.NewGuid().ToString("N");
        SignalVersion general;
        await using (SignalsTestApp app = await SignalsTestApp.StartInMemoryAsync(name, root, Retention))
        {
            await app.SaveMessageAsync("general", "in memory");
            general = await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"));
            await app.WithContextAsync(async context =>
            {
                foreach (SignalOutboxEntry row in await context.Outbox.ToListAsync(TestContext.Current.CancellationToken))
                {
                    row.CreatedAt -= TimeSpan.FromHours(2);
                }

                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            });
            await WaitUntilAsync(() => app.WithContextAsync(async context => !await context.Outbox.AnyAsync(TestContext.Current.CancellationToken)));
            await WaitUntilAsync(() => Task.FromResult(app.Hub.ResumeFloor >= general.Version));
        }

        await using SignalsTestApp restarted = await SignalsTestApp.StartInMemoryAsync(name, root, o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        Assert.Equal(general.Version, (await HubAssert.WaitForVersionAsync(restarted.Hub, ChatMessage.Room("general"), general.Version)).Version);
        Assert.Equal(1, await restarted.WithContextAsync(context => context.State.CountAsync(s => s.Key == ChatMessage.Room("general").Value, TestContext.Current.CancellationToken)));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HubAssert.DefaultTimeout);
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
