using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// Out-of-order commits on real PostgreSQL: a transaction holds lower outbox ids open while a later one commits higher ids. The
/// dispatcher must deliver both, never a rolled-back row, and keep its settled cursor (the safe SSE resume point) below open ids.
/// </summary>
public sealed class GapSafetyTests(PostgresServer server)
{
    /// <summary>
    /// A quick safety poll: the settled cursor also waits for transactions of other tests running on the same server (snapshots are
    /// cluster-wide), so it needs reads after they end.
    /// </summary>
    private static readonly Action<SignalsOutboxOptions> FastPoll = o => o.PollInterval = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task A_lower_id_that_commits_after_a_higher_one_was_delivered_is_delivered_too()
    {
        string db = await TestDatabase.CreateAsync(server, "gapcommit");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, FastPoll);
        using SignalSubscription watcher = app.Hub.Subscribe([ChatMessage.Room("held"), ChatMessage.Room("after")]);

        // A writer outside the app (no wake-up of its own) holds its transaction open: its outbox ids are lower.
        await using ChatDbContext held = TestDatabase.CreateContext(db);
        await using IDbContextTransaction heldTransaction = await held.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        held.Messages.Add(new ChatMessage { RoomId = "held", Text = "slow" });
        await held.SaveChangesAsync(TestContext.Current.CancellationToken);
        long heldId = await HighestOutboxIdAsync(held);

        await SaveAsync(app, "after");
        SignalVersion after = await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("after"));
        Assert.True(after.Version > heldId);

        // The reader saw a version above the open id; the cursor it may resume from must stay below the open id.
        Assert.True(app.Hub.SettledCursor < heldId, $"settled {app.Hub.SettledCursor}, open id {heldId}");
        Assert.True(watcher.TryRead(out SignalVersion seen));
        Assert.Equal(after, seen);
        Assert.True(watcher.ResumeCursor < heldId, $"resume cursor {watcher.ResumeCursor}, open id {heldId}");

        await heldTransaction.CommitAsync(TestContext.Current.CancellationToken);

        SignalVersion delivered = await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("held"));
        Assert.Equal(heldId, delivered.Version);

        // Once the open transaction has ended, the next read settles everything up to the newest id.
        long newest = (await TestDatabase.ReadOutboxAsync(db)).Max(r => r.Id);
        await WaitUntilAsync(() => app.Hub.SettledCursor >= newest, () => $"settled {app.Hub.SettledCursor}, newest {newest}");
    }

    [Fact]
    public async Task A_lower_id_that_commits_after_a_higher_id_of_the_same_key_was_published_announces_the_key_again()
    {
        string db = await TestDatabase.CreateAsync(server, "gaplate");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, FastPoll);
        await using SignalsTestApp other = await SignalsTestApp.StartPostgresAsync(db, FastPoll);

        // Both dispatchers have loaded (healthy) before the held write: one whose first read came only after the late commit would find
        // nothing late (a load's rows come in no order), and on a busy machine that first read can take seconds.
        await app.WaitForHealthAsync(HealthStatus.Healthy);
        await other.WaitForHealthAsync(HealthStatus.Healthy);
        SignalKey room = ChatMessage.Room("shared");
        using SignalSubscription watcher = app.Hub.Subscribe([room]);

        await using ChatDbContext held = TestDatabase.CreateContext(db);
        await using IDbContextTransaction heldTransaction = await held.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        held.Messages.Add(new ChatMessage { RoomId = "shared", Text = "slow" });
        await held.SaveChangesAsync(TestContext.Current.CancellationToken);
        long heldId = await HighestOutboxIdAsync(held);

        // Subscribers hear of the room at a version above the held id while the held message is not committed yet: whoever refetches
        // the room now does not see it.
        await SaveAsync(app, "shared");
        SignalVersion after = await HubAssert.WaitForVersionAsync(app.Hub, room);
        Assert.True(after.Version > heldId);
        Assert.True(watcher.TryRead(out SignalVersion seen));
        Assert.Equal(after, seen);
        await HubAssert.WaitForVersionAsync(other.Hub, room, after.Version);

        long reannounced = 0;
        Meter[] meters = [app.Services.GetRequiredService<SignalsMetrics>().Meter, other.Services.GetRequiredService<SignalsMetrics>().Meter];
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (meters.Contains(instrument.Meter) && instrument.Name == "signals.dispatcher.reannouncements")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref reannounced, value));
        listener.Start();
        await heldTransaction.CommitAsync(TestContext.Current.CancellationToken);

        // So the held commit must reach them as a newer version of the room: a dispatcher announces the key again. Both instances
        // published the higher version before the held commit, but one reannouncement serves both.
        SignalVersion again = await HubAssert.WaitForVersionAsync(app.Hub, room, after.Version + 1);
        Assert.Equal(again, await HubAssert.WaitForVersionAsync(other.Hub, room, again.Version));
        List<SignalOutboxEntry> rows = await TestDatabase.ReadOutboxAsync(db);
        SignalOutboxEntry reannouncement = Assert.Single(rows, r => r.Id == again.Version);
        Assert.Equal(room.Value, reannouncement.Key);
        Assert.Equal(heldId, reannouncement.ReannouncedId);
        Assert.True(await watcher.WaitToReadAsync(TestContext.Current.CancellationToken));
        Assert.True(watcher.TryRead(out SignalVersion delivered));
        Assert.Equal(again.Version, delivered.Version);

        // Both keys of the held save (the room and every message) were late: each was announced again once (by either instance), and
        // counted once.
        Assert.Equal(
            [ChatMessage.AnyMessage.Value, room.Value],
            rows.Where(r => r.ReannouncedId is not null).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, Interlocked.Read(ref reannounced));
    }

    [Fact]
    public async Task A_lower_id_read_together_with_the_higher_id_of_its_key_is_not_announced_again()
    {
        string db = await TestDatabase.CreateAsync(server, "gaptogether");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, o => o.PollInterval = TimeSpan.FromHours(1));

        // Once the listener is up (it rings the doorbell once after LISTEN) and a save of the app's own was read, nothing else wakes
        // the dispatcher: the safety poll is an hour away.
        await app.WaitForHealthAsync(HealthStatus.Healthy);
        // "warm" and "wake" are watched too, so waiting for them waits for the dispatcher's read, not for a cold read of the database.
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("together"), ChatMessage.Room("warm"), ChatMessage.Room("wake"));
        await SaveAsync(app, "warm");
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("warm"));

        // Both writers are outside the app (no wake-up): the dispatcher reads neither until the app's own save wakes it, and then
        // both in one read. Subscribers are told of the room only after both committed, so its highest version covers both.
        await using ChatDbContext held = TestDatabase.CreateContext(db);
        await using (IDbContextTransaction heldTransaction = await held.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            held.Messages.Add(new ChatMessage { RoomId = "together", Text = "slow" });
            await held.SaveChangesAsync(TestContext.Current.CancellationToken);
            await using ChatDbContext other = TestDatabase.CreateContext(db);
            other.Messages.Add(new ChatMessage { RoomId = "together", Text = "fast" });
            await other.SaveChangesAsync(TestContext.Current.CancellationToken);
            await heldTransaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        await SaveAsync(app, "wake");
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("wake"));

        List<SignalOutboxEntry> rows = await TestDatabase.ReadOutboxAsync(db);
        Assert.DoesNotContain(rows, r => r.ReannouncedId is not null);
        Assert.Equal(rows.Where(r => r.Key == ChatMessage.Room("together").Value).Max(r => r.Id), HubAssert.Held(app.Hub, ChatMessage.Room("together")).Version);
    }

    [Fact]
    public async Task A_rolled_back_lower_id_publishes_nothing_and_does_not_hold_back_later_changes()
    {
        string db = await TestDatabase.CreateAsync(server, "gaprollback");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, FastPoll);
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("phantom"));

        await using ChatDbContext held = TestDatabase.CreateContext(db);
        await using (IDbContextTransaction heldTransaction = await held.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            held.Messages.Add(new ChatMessage { RoomId = "phantom", Text = "never" });
            await held.SaveChangesAsync(TestContext.Current.CancellationToken);

            await SaveAsync(app, "after");
            await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("after"));
            await heldTransaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        await SaveAsync(app, "later");
        SignalVersion later = await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("later"));
        await WaitUntilAsync(() => app.Hub.SettledCursor >= later.Version, () => $"settled {app.Hub.SettledCursor}, latest {later.Version}");

        Assert.Equal(0, HubAssert.Held(app.Hub, ChatMessage.Room("phantom")).Version);
        Assert.DoesNotContain(ChatMessage.Room("phantom").Value, await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task Many_interleaved_out_of_order_commits_all_arrive_with_their_latest_versions()
    {
        string db = await TestDatabase.CreateAsync(server, "gapmany");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, FastPoll);

        // Eight writers each hold a transaction open, then commit in reverse order of their ids, with committed saves in between.
        var writers = new List<(ChatDbContext Context, IDbContextTransaction Transaction)>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                ChatDbContext context = TestDatabase.CreateContext(db);
                IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
                context.Messages.Add(new ChatMessage { RoomId = $"w{i}", Text = "held" });
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
                writers.Add((context, transaction));
                await SaveAsync(app, $"between{i}");
            }

            for (int i = writers.Count - 1; i >= 0; i--)
            {
                await writers[i].Transaction.CommitAsync(TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            foreach ((ChatDbContext context, IDbContextTransaction transaction) in writers)
            {
                await transaction.DisposeAsync();
                await context.DisposeAsync();
            }
        }

        // The reversed commits are late: the dispatcher announces them again with new rows, possibly after the outbox is read. Read it
        // until the hub has every key at its latest row and no row was added meanwhile; then each key's version is exactly its latest.
        List<SignalOutboxEntry> rows = await TestDatabase.ReadOutboxAsync(db);
        for (int round = 0; round < 10; round++)
        {
            foreach (IGrouping<string, SignalOutboxEntry> key in rows.GroupBy(r => r.Key))
            {
                await HubAssert.WaitForVersionAsync(app.Hub, SignalKey.Parse(key.Key), key.Max(r => r.Id));
            }

            // A reannouncement is written right after the read that found the late change was published: give it that moment.
            await Task.Delay(200, TestContext.Current.CancellationToken);
            List<SignalOutboxEntry> again = await TestDatabase.ReadOutboxAsync(db);
            if (again.Count == rows.Count)
            {
                break;
            }

            rows = again;
        }

        foreach (IGrouping<string, SignalOutboxEntry> key in rows.GroupBy(r => r.Key))
        {
            long latest = key.Max(r => r.Id);
            Assert.Equal(latest, (await HubAssert.WaitForVersionAsync(app.Hub, SignalKey.Parse(key.Key), latest)).Version);
        }
    }

    private static async Task SaveAsync(SignalsTestApp app, string room)
        => await app.WithContextAsync(context =>
        {
            context.Messages.Add(new ChatMessage { RoomId = room, Text = room });
            return context.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

    /// <summary>The highest outbox id the context's own (uncommitted) transaction wrote.</summary>
    private static Task<long> HighestOutboxIdAsync(ChatDbContext context)
        => context.Outbox.MaxAsync(r => r.Id, TestContext.Current.CancellationToken);

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> describe)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HubAssert.DefaultTimeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Condition not met in time: {describe()}");
            }
        }
    }
}
