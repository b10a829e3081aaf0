using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Signals.EntityFrameworkCore.PostgreSql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>NOTIFY stays off the write path: sent after the commit, from the dispatcher's own connection, coalesced.</summary>
public sealed class NotifyTests(PostgresServer server)
{
    [Fact]
    public async Task The_wake_up_is_sent_after_the_commit_from_the_dispatchers_connection_never_the_writers()
    {
        string db = await TestDatabase.CreateAsync(server, "notifypid");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
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
        OutboxSignaler signaler = app.Services.GetRequiredKeyedService<OutboxSignaler>(typeof(ChatDbContext));

        // The rollback reported nothing; the commit was reported once, and its notification names this instance.
        NpgsqlNotificationEventArgs notification = await WaitForNotificationAsync(listener, notifications);
        Assert.Equal(1, signaler.Commits);
        Assert.Equal("signals", notification.Channel);
        Assert.Equal(signaler.NotificationPayload, notification.Payload);
        Assert.NotEqual(writerPid, notification.PID);
        string applicationName = await TestDatabase.ScalarAsync<string>(db, $"SELECT application_name FROM pg_stat_activity WHERE pid = {notification.PID}");
        Assert.Equal("Signals dispatcher", applicationName);
    }

    [Fact]
    public void A_burst_of_commits_asks_each_wake_up_for_one_message()
    {
        var signaler = new OutboxSignaler(typeof(ChatDbContext));
        OutboxWakeup notify = signaler.OpenWakeup();
        OutboxWakeup redis = signaler.OpenWakeup();
        for (int i = 0; i < 100; i++)
        {
            signaler.OnCommitted();
        }

        foreach (OutboxWakeup wakeup in new[] { notify, redis })
        {
            Assert.True(wakeup.Requests.TryRead(out _));
            Assert.False(wakeup.Requests.TryRead(out _));
        }

        Assert.Equal(100, signaler.Commits);
    }

    [Fact]
    public void Every_message_of_this_instance_is_its_own_whichever_wake_up_sent_it_and_no_other_instances()
    {
        var signaler = new OutboxSignaler(typeof(ChatDbContext));
        var other = new OutboxSignaler(typeof(ChatDbContext));
        _ = signaler.OpenWakeup();
        _ = signaler.OpenWakeup();

        // Every wake-up (NOTIFY, Redis) sends the instance's one token; the listener and the relay ask the signaler.
        Assert.True(signaler.IsOwnNotification(signaler.NotificationPayload));
        Assert.False(signaler.IsOwnNotification(other.NotificationPayload));
        Assert.False(other.IsOwnNotification(signaler.NotificationPayload));
        Assert.False(signaler.IsOwnNotification(string.Empty));
        Assert.False(signaler.IsOwnNotification(null));
    }

    private static async Task<NpgsqlNotificationEventArgs> WaitForNotificationAsync(NpgsqlConnection listener, BlockingCollection<NpgsqlNotificationEventArgs> notifications)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HubAssert.DefaultTimeout);
        while (true)
        {
            // The listeners' announcements are not wake-ups.
            while (notifications.TryTake(out NpgsqlNotificationEventArgs? notification))
            {
                if (!ListenerPresence.IsAnnouncement(notification.Payload))
                {
                    return notification;
                }
            }

            await listener.WaitAsync(timeout.Token);
        }
    }
}
