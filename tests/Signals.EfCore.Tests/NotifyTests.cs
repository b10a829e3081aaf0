using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Signals.EntityFrameworkCore.Tests.Infrastructure;
using Signals.EntityFrameworkCore.Tests.Model;
using Signals.Testing;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>NOTIFY stays off the write path: sent after the commit, from the dispatcher's own connection, coalesced.</summary>
public sealed class NotifyTests(PostgresServer server)
{
    [Fact]
    public async Task The_wake_up_is_sent_after_the_commit_from_the_dispatchers_connection_never_the_writers()
    {
        string db = await TestDatabase.CreateAsync(server, "notifypid");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, o => o.PollInterval = TimeSpan.FromMinutes(5));
        var notifications = new BlockingCollection<NpgsqlNotificationEventArgs>();
        await using var listener = new NpgsqlConnection(db);
        await listener.OpenAsync(TestContext.Current.CancellationToken);
        listener.Notification += (_, e) => notifications.Add(e);
        await using (var listen = new NpgsqlCommand("LISTEN signals", listener))
        {
            await listen.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        int writerPid = 0;
        await app.WithContextAsync(async context =>
        {
            // A rolled-back save first: it must send nothing.
            await using (IDbContextTransaction rolledBack = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
            {
                context.Messages.Add(new ChatMessage { RoomId = "general", Text = "never" });
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
                await rolledBack.RollbackAsync(TestContext.Current.CancellationToken);
            }

            context.ChangeTracker.Clear();
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            writerPid = ((NpgsqlConnection)context.Database.GetDbConnection()).ProcessID;
            context.Messages.Add(new ChatMessage { RoomId = "general", Text = "kept" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        });
        long committed = (await TestDatabase.ReadOutboxAsync(db)).Max(r => r.Id);

        // The first notification (no earlier one for the rollback) carries an id the commit had already made visible.
        NpgsqlNotificationEventArgs notification = await WaitForNotificationAsync(listener, notifications);
        Assert.Equal("signals", notification.Channel);
        Assert.Equal(committed, long.Parse(notification.Payload, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual(writerPid, notification.PID);
        string applicationName = await TestDatabase.ScalarAsync<string>(db, $"SELECT application_name FROM pg_stat_activity WHERE pid = {notification.PID}");
        Assert.Equal("Signals dispatcher", applicationName);
    }

    [Fact]
    public void A_burst_of_commits_asks_each_wake_up_for_one_message_carrying_the_highest_id()
    {
        var signaler = new OutboxSignaler(typeof(ChatDbContext));
        OutboxWakeup notify = signaler.OpenWakeup();
        OutboxWakeup redis = signaler.OpenWakeup();
        for (long id = 1; id <= 100; id++)
        {
            signaler.OnCommitted(101 - id);
        }

        foreach (OutboxWakeup wakeup in new[] { notify, redis })
        {
            Assert.True(wakeup.Requests.TryRead(out _));
            Assert.False(wakeup.Requests.TryRead(out _));
        }

        Assert.Equal(100, signaler.HighestCommitted);
    }

    [Fact]
    public void Only_this_instances_latest_message_is_its_own_and_needs_no_read()
    {
        var signaler = new OutboxSignaler(typeof(ChatDbContext));
        OutboxWakeup notify = signaler.OpenWakeup();
        OutboxWakeup redis = signaler.OpenWakeup();
        Assert.False(notify.IsOwn("0"));

        signaler.OnCommitted(42);
        string payload = notify.TakePayload();

        Assert.Equal("42", payload);
        Assert.True(notify.IsOwn(payload));
        Assert.False(notify.IsOwn("41"));
        Assert.False(notify.IsOwn("43"));
        Assert.False(notify.IsOwn("not a number"));
        Assert.False(notify.IsOwn(null));

        // Each way of waking remembers what it sent itself: Redis has not sent 42 yet, and NOTIFY never sent 43.
        Assert.False(redis.IsOwn(payload));
        signaler.OnCommitted(43);
        Assert.Equal("43", redis.TakePayload());
        Assert.True(redis.IsOwn("43"));
        Assert.True(notify.IsOwn("42"));
    }

    private static async Task<NpgsqlNotificationEventArgs> WaitForNotificationAsync(NpgsqlConnection listener, BlockingCollection<NpgsqlNotificationEventArgs> notifications)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HubAssert.DefaultTimeout);
        NpgsqlNotificationEventArgs? notification;
        while (!notifications.TryTake(out notification))
        {
            await listener.WaitAsync(timeout.Token);
        }

        return notification;
    }
}
