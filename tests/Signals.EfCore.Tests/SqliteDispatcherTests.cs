using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The SQLite dispatcher on a real file: two instances on one file see each other's saves, retention compacts and deletes (its query
/// translates on SQLite), and ids are never drawn again after retention deleted the newest rows.
/// </summary>
public sealed class SqliteDispatcherTests
{
    private static readonly Action<SignalsOutboxOptions> Retention = o =>
    {
        o.RetentionPeriod = TimeSpan.FromHours(1);
        o.CleanupInterval = TimeSpan.FromMilliseconds(100);
        o.CleanupBatchSize = 3;
        o.PollInterval = TimeSpan.FromMilliseconds(50);
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_on_one_file_see_each_others_saves_through_their_polls()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("twoapps");
        await using SignalsTestApp a = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        await using SignalsTestApp b = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        HealthReport healthy = await b.WaitForHealthAsync(HealthStatus.Healthy);
        Assert.Equal("SQLite polling", healthy.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Data[$"{nameof(ChatDbContext)}.dispatcher"]);

        await a.WithContextAsync(context =>
        {
            context.Messages.Add(new ChatMessage { RoomId = "from-a", Text = "hello" });
            return context.SaveChangesAsync(Cancel);
        });
        await b.WithContextAsync(context =>
        {
            context.Messages.Add(new ChatMessage { RoomId = "from-b", Text = "hello" });
            return context.SaveChangesAsync(Cancel);
        });

        List<SignalOutboxEntry> rows = await db.ReadOutboxAsync();
        foreach (SignalsTestApp app in new[] { a, b })
        {
            foreach (string room in new[] { "from-a", "from-b" })
            {
                long version = rows.Where(r => r.Key == ChatMessage.Room(room).Value).Max(r => r.Id);
                Assert.Equal(version, (await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room(room), version)).Version);
            }
        }
    }

    [Fact]
    public async Task Retention_compacts_old_rows_and_later_ids_stay_above_every_deleted_one()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("retention");
        Assert.Contains("AUTOINCREMENT", await db.ScalarAsync<string>("SELECT sql FROM sqlite_master WHERE name = 'signals_outbox'"), StringComparison.Ordinal);
        await using (ChatDbContext context = db.CreateContext())
        {
            for (int i = 0; i < 5; i++)
            {
                context.Messages.Add(new ChatMessage { RoomId = $"room{i % 3}", Text = "old" });
                await context.SaveChangesAsync(Cancel);
            }

            // Every row is old, the newest too: retention deletes them all.
            foreach (SignalOutboxEntry row in await context.Outbox.ToListAsync(Cancel))
            {
                row.CreatedAt -= TimeSpan.FromHours(2);
            }

            await context.SaveChangesAsync(Cancel);
        }

        List<SignalOutboxEntry> old = await db.ReadOutboxAsync();
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Retention);
        await WaitUntilAsync(async () => (await db.ReadOutboxAsync()).Count == 0);
        await WaitUntilAsync(() => Task.FromResult(app.Hub.ResumeFloor == old.Max(r => r.Id)));
        await using (ChatDbContext context = db.CreateContext())
        {
            Assert.Equal(
                [.. old.GroupBy(r => r.Key).Select(g => (g.Key, g.Max(r => r.Id))).Order()],
                (await context.State.ToListAsync(Cancel)).Select(s => (s.Key, s.Version)).Order());
        }

        // The next change gets an id above every deleted one, so the running dispatcher publishes it.
        await app.WithContextAsync(context =>
        {
            context.Messages.Add(new ChatMessage { RoomId = "room0", Text = "new" });
            return context.SaveChangesAsync(Cancel);
        });
        SignalOutboxEntry next = (await db.ReadOutboxAsync()).Single(r => r.Key == ChatMessage.Room("room0").Value);
        Assert.True(next.Id > old.Max(r => r.Id), $"id {next.Id} was drawn again (the deleted rows went up to {old.Max(r => r.Id)})");
        Assert.Equal(next.Id, (await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("room0"), next.Id)).Version);

        // A fresh instance loads the compacted versions and the new row.
        await using SignalsTestApp fresh = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, o => o.RetentionPeriod = Timeout.InfiniteTimeSpan);
        long room1 = old.Where(r => r.Key == ChatMessage.Room("room1").Value).Max(r => r.Id);
        Assert.Equal(room1, (await HubAssert.WaitForVersionAsync(fresh.Hub, ChatMessage.Room("room1"), room1)).Version);
        Assert.Equal(next.Id, (await HubAssert.WaitForVersionAsync(fresh.Hub, ChatMessage.Room("room0"), next.Id)).Version);
    }

    [Fact]
    public async Task Identity_keys_invalidations_in_a_transaction_and_rollbacks_behave_as_on_any_provider()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("writepath");
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("never"), Setting.ByName("never"));
        var ticket = new Ticket { Title = "printer" };
        await app.WithContextAsync(async context =>
        {
            // A key that reads a database-generated id, and keys named by hand, in one transaction.
            await using var transaction = await context.Database.BeginTransactionAsync(Cancel);
            context.Tickets.Add(ticket);
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([Setting.ByName("theme")], Cancel);
            await transaction.CommitAsync(Cancel);
        });
        await app.WithContextAsync(async context =>
        {
            await using var transaction = await context.Database.BeginTransactionAsync(Cancel);
            context.Messages.Add(new ChatMessage { RoomId = "never", Text = "rolled back" });
            await context.SaveChangesAsync(Cancel);
            await context.InvalidateSignalsAsync([Setting.ByName("never")], Cancel);
            await transaction.RollbackAsync(Cancel);
        });

        Assert.True(ticket.Id > 0);
        string[] keys = [.. (await db.ReadOutboxAsync()).Select(r => r.Key).Order(StringComparer.Ordinal)];
        Assert.Equal([.. new[] { Setting.ByName("theme").Value, Ticket.AnyTicket.Value, Ticket.ById(ticket.Id).Value }.Order(StringComparer.Ordinal)], keys);
        foreach (SignalOutboxEntry row in await db.ReadOutboxAsync())
        {
            Assert.Equal(row.Id, (await HubAssert.WaitForVersionAsync(app.Hub, SignalKey.Parse(row.Key), row.Id)).Version);
        }

        Assert.Equal(0, HubAssert.Held(app.Hub, ChatMessage.Room("never")).Version);
        Assert.Equal(0, HubAssert.Held(app.Hub, Setting.ByName("never")).Version);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(HubAssert.DefaultTimeout);
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
