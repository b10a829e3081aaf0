namespace Signals.EntityFrameworkCore.Tests;

/// <summary>The PostgreSQL LISTEN/NOTIFY dispatcher, end to end on a real server.</summary>
public sealed class PostgresDispatcherTests(PostgresServer server)
{
    [Fact]
    public async Task Save_is_published_to_the_hub_with_the_outbox_id_as_version()
    {
        string db = await TestDatabase.CreateAsync(server, "publish");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);

        DateTimeOffset before = DateTimeOffset.UtcNow;
        await app.SaveMessageAsync("general", "hi");

        SignalVersion version = await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"));
        SignalOutboxEntry row = (await TestDatabase.ReadOutboxAsync(db)).Single(r => r.Key == ChatMessage.Room("general").Value);
        Assert.Equal(row.Id, version.Version);
        Assert.Null(version.Hash);
        Assert.True(version.UpdatedAt >= before.AddSeconds(-1));
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.AnyMessage);
    }

    [Fact]
    public async Task Rolled_back_transaction_publishes_nothing()
    {
        string db = await TestDatabase.CreateAsync(server, "rollbackhub");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("secret"), ChatMessage.AnyMessage);

        await app.WithContextAsync(async context =>
        {
            await using var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            context.Messages.Add(new ChatMessage { RoomId = "secret", Text = "never" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        });

        // A later committed save is delivered; once it is, everything before it has been read too.
        await app.WithContextAsync(context =>
        {
            context.Tickets.Add(new Ticket { Title = "marker" });
            return context.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        await HubAssert.WaitForVersionAsync(app.Hub, Ticket.AnyTicket);

        Assert.Equal(0, HubAssert.Held(app.Hub, ChatMessage.Room("secret")).Version);
        Assert.Equal(0, HubAssert.Held(app.Hub, ChatMessage.AnyMessage).Version);
    }

    [Fact]
    public async Task Committed_user_transaction_is_dispatched_after_commit()
    {
        string db = await TestDatabase.CreateAsync(server, "commithub");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);

        await app.WithContextAsync(async context =>
        {
            await using var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            context.Messages.Add(new ChatMessage { RoomId = "general", Text = "one" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        });

        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"));
    }

    [Fact]
    public async Task Wake_up_is_requested_only_after_the_user_transaction_commits_and_never_for_a_rollback()
    {
        string db = await TestDatabase.CreateAsync(server, "waketiming");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        OutboxSignaler signaler = app.Services.GetRequiredKeyedService<OutboxSignaler>(typeof(ChatDbContext));

        await app.WithContextAsync(async context =>
        {
            await using (var rolledBack = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
            {
                context.Messages.Add(new ChatMessage { RoomId = "general", Text = "never" });
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
                await rolledBack.RollbackAsync(TestContext.Current.CancellationToken);
            }

            Assert.Equal(0, signaler.Commits);
            context.ChangeTracker.Clear();

            await using var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            context.Messages.Add(new ChatMessage { RoomId = "general", Text = "kept" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, signaler.Commits); // still inside the transaction: nobody is told yet
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        });

        Assert.Equal(1, signaler.Commits);
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"));
    }

    [Fact]
    public async Task Identity_keyed_family_reaches_the_hub_with_the_real_id()
    {
        string db = await TestDatabase.CreateAsync(server, "identityhub");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);

        Ticket ticket = await app.WithContextAsync(async context =>
        {
            var created = new Ticket { Title = "printer" };
            context.Tickets.Add(created);
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            return created;
        });

        await HubAssert.WaitForVersionAsync(app.Hub, Ticket.ById(ticket.Id));
    }

    [Fact]
    public async Task Two_instances_on_one_database_both_receive_a_save_made_through_either()
    {
        string db = await TestDatabase.CreateAsync(server, "twoapps");
        await using SignalsTestApp first = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        await using SignalsTestApp second = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);

        // Both listeners must be up before the save, or only the catch-up after LISTEN (not the notification) would deliver it.
        await WaitUntilListeningAsync(first, second);

        await first.SaveMessageAsync("from-first", "a");
        SignalVersion seenByFirst = await HubAssert.WaitForVersionAsync(first.Hub, ChatMessage.Room("from-first"));
        SignalVersion seenBySecond = await HubAssert.WaitForVersionAsync(second.Hub, ChatMessage.Room("from-first"));
        Assert.Equal(seenByFirst.Version, seenBySecond.Version);

        await second.SaveMessageAsync("from-second", "b");
        seenBySecond = await HubAssert.WaitForVersionAsync(second.Hub, ChatMessage.Room("from-second"));
        seenByFirst = await HubAssert.WaitForVersionAsync(first.Hub, ChatMessage.Room("from-second"));
        Assert.Equal(seenBySecond.Version, seenByFirst.Version);
        long anyMessage = (await TestDatabase.ReadOutboxAsync(db)).Where(r => r.Key == ChatMessage.AnyMessage.Value).Max(r => r.Id);
        Assert.Equal(anyMessage, (await HubAssert.WaitForVersionAsync(first.Hub, ChatMessage.AnyMessage, anyMessage)).Version);
        Assert.Equal(anyMessage, (await HubAssert.WaitForVersionAsync(second.Hub, ChatMessage.AnyMessage, anyMessage)).Version);
    }

    [Fact]
    public async Task A_started_dispatcher_loads_the_current_version_of_every_key()
    {
        string db = await TestDatabase.CreateAsync(server, "restart");
        long generalVersion;
        await using (SignalsTestApp before = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll))
        {
            await before.WithContextAsync(async context =>
            {
                context.Messages.Add(new ChatMessage { RoomId = "general", Text = "one" });
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
                context.Messages.Add(new ChatMessage { RoomId = "general", Text = "two" });
                context.Messages.Add(new ChatMessage { RoomId = "random", Text = "three" });
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            });
            generalVersion = (await TestDatabase.ReadOutboxAsync(db)).Where(r => r.Key == ChatMessage.Room("general").Value).Max(r => r.Id);
            await HubAssert.WaitForVersionAsync(before.Hub, ChatMessage.Room("general"), generalVersion);
        }

        await using SignalsTestApp after = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        SignalVersion loaded = await HubAssert.WaitForVersionAsync(after.Hub, ChatMessage.Room("general"), generalVersion);
        Assert.Equal(generalVersion, loaded.Version);
        await HubAssert.WaitForVersionAsync(after.Hub, ChatMessage.Room("random"));
    }

    [Fact]
    public async Task Save_through_a_context_outside_the_container_is_delivered_by_the_safety_poll()
    {
        string db = await TestDatabase.CreateAsync(server, "safetypoll");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, o => o.PollInterval = TimeSpan.FromMilliseconds(200));

        await TestDatabase.SaveMessageAsync(db, "general", "no DI, no wake-up");

        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"));
    }

    [Fact]
    public async Task A_notification_from_another_writer_wakes_the_dispatcher()
    {
        string db = await TestDatabase.CreateAsync(server, "foreignnotify");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        await WaitUntilListeningAsync(app);

        await using (ChatDbContext context = TestDatabase.CreateContext(db))
        {
            context.Messages.Add(new ChatMessage { RoomId = "general", Text = "written elsewhere" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await context.Database.ExecuteSqlRawAsync("SELECT pg_notify('signals', '0')", TestContext.Current.CancellationToken);
        }

        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"));
    }

    [Fact]
    public async Task A_reconnected_listener_catches_up_on_changes_nobody_announced()
    {
        string db = await TestDatabase.CreateAsync(server, "reconnect");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        await WaitUntilListeningAsync(app);

        // Saved by a context outside the container: no local wake-up and no NOTIFY, so only a catch-up read can deliver it.
        await using (ChatDbContext context = TestDatabase.CreateContext(db))
        {
            context.Messages.Add(new ChatMessage { RoomId = "while-nobody-looked", Text = "silent" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            int terminated = await context.Database
                .SqlQueryRaw<int>(
                    "SELECT count(pg_terminate_backend(pid))::int AS \"Value\" FROM pg_stat_activity " +
                    "WHERE datname = current_database() AND application_name = 'Signals listener'")
                .SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, terminated);
        }

        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("while-nobody-looked"));
        await WaitUntilListeningAsync(app);
    }

    /// <summary>Waits until each app's listener is registered on the channel (visible in <c>pg_stat_activity</c> once it ran its first query, the LISTEN).</summary>
    private static async Task WaitUntilListeningAsync(params SignalsTestApp[] apps)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HubAssert.DefaultTimeout);
        while (true)
        {
            int listening = await apps[0].WithContextAsync(context => context.Database
                .SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'Signals listener' AND query <> ''")
                .SingleAsync(timeout.Token));
            if (listening >= apps.Length)
            {
                return;
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
