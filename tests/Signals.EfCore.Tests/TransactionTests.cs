using System.Transactions;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// Version bumps follow the application's transactions: savepoints, <c>TransactionScope</c>, execution-strategy retries after a
/// killed connection, and <c>InvalidateSignalsAsync</c> for bulk updates — on real PostgreSQL.
/// </summary>
public sealed class TransactionTests(PostgresServer server)
{
    [Fact]
    public async Task Rolling_back_to_a_savepoint_drops_the_outbox_rows_saved_after_it()
    {
        string db = await TestDatabase.CreateAsync(server, "savepoint");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("dropped"));

        await app.WithContextAsync(async context =>
        {
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            context.Messages.Add(new ChatMessage { RoomId = "kept", Text = "before the savepoint" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.CreateSavepointAsync("draft", TestContext.Current.CancellationToken);
            context.Messages.Add(new ChatMessage { RoomId = "dropped", Text = "after the savepoint" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.RollbackToSavepointAsync("draft", TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        });

        Assert.Equal([ChatMessage.AnyMessage.Value, ChatMessage.Room("kept").Value], await TestDatabase.ReadOutboxKeysAsync(db));
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("kept"));
        Assert.Equal(0, HubAssert.Held(app.Hub, ChatMessage.Room("dropped")).Version);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TransactionScope_commit_wakes_the_dispatcher_after_the_commit(bool identityKeyed)
    {
        string db = await TestDatabase.CreateAsync(server, "scopecommit");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);

        SignalKey key = await app.WithContextAsync(async context =>
        {
            using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
            SignalKey saved;
            if (identityKeyed)
            {
                var ticket = new Ticket { Title = "in a scope" };
                context.Tickets.Add(ticket);
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
                saved = Ticket.ById(ticket.Id);
            }
            else
            {
                context.Messages.Add(new ChatMessage { RoomId = "scoped", Text = "in a scope" });
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
                saved = ChatMessage.Room("scoped");
            }

            Assert.Empty(await ReadOutsideScopeAsync(db)); // not committed yet: invisible to others
            scope.Complete();
            return saved;
        });

        await HubAssert.WaitForVersionAsync(app.Hub, key);
    }

    [Fact]
    public async Task TransactionScope_without_Complete_rolls_back_and_publishes_nothing()
    {
        string db = await TestDatabase.CreateAsync(server, "scoperollback");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("abandoned"));

        await app.WithContextAsync(async context =>
        {
            using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
            context.Messages.Add(new ChatMessage { RoomId = "abandoned", Text = "never" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        await app.SaveMessageAsync("marker", "after");
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("marker"));

        Assert.Equal(0, HubAssert.Held(app.Hub, ChatMessage.Room("abandoned")).Version);
        Assert.DoesNotContain(ChatMessage.Room("abandoned").Value, await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Theory]
    [InlineData("one statement")]
    [InlineData("several statements")]
    [InlineData("identity-keyed")]
    public async Task A_save_retried_by_the_execution_strategy_after_a_killed_connection_bumps_each_key_once(string save)
    {
        string db = await TestDatabase.CreateAsync(server, "retry");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, o => o.PollInterval = TimeSpan.FromMilliseconds(100));
        var kill = new KillConnectionOnce(server.ConnectionString, save == "identity-keyed" ? "INSERT INTO \"Tickets\"" : "INSERT INTO \"Messages\"");
        await using ChatDbContext context = Retrying(db, kill);

        SignalKey key;
        if (save == "identity-keyed")
        {
            var ticket = new Ticket { Title = "retried" };
            context.Tickets.Add(ticket);
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            key = Ticket.ById(ticket.Id);
        }
        else
        {
            // Several statements run in EF Core's transaction, begun again for the retry; one runs in an implicit one.
            context.Messages.Add(new ChatMessage { RoomId = "retried", Text = "once" });
            if (save == "several statements")
            {
                context.Messages.Add(new ChatMessage { RoomId = "retried", Text = "twice" });
            }

            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            key = ChatMessage.Room("retried");
        }

        Assert.Equal(1, kill.Kills);
        List<SignalOutboxEntry> rows = await TestDatabase.ReadOutboxAsync(db);
        Assert.Equal(rows.Select(r => r.Key).Distinct().Count(), rows.Count);
        Assert.Contains(rows, r => r.Key == key.Value);
        Assert.Equal(rows.Single(r => r.Key == key.Value).Id, (await HubAssert.WaitForVersionAsync(app.Hub, key)).Version);
    }

    [Fact]
    public async Task A_user_transaction_retried_as_a_unit_after_a_killed_connection_bumps_each_key_once()
    {
        string db = await TestDatabase.CreateAsync(server, "retryunit");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, o => o.PollInterval = TimeSpan.FromMilliseconds(100));
        var kill = new KillConnectionOnce(server.ConnectionString, "INSERT INTO \"Notes\"");
        await using ChatDbContext context = Retrying(db, kill);
        context.Messages.Add(new ChatMessage { RoomId = "unit", Text = "first statement" });

        // The documented EF Core pattern: the whole unit of work in the strategy, changes accepted only after the commit.
        await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await context.SaveChangesAsync(acceptAllChangesOnSuccess: false, TestContext.Current.CancellationToken);
            await context.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"Notes\" (\"Text\") VALUES ('second statement: its connection dies once')", TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        });
        context.ChangeTracker.AcceptAllChanges();

        Assert.Equal(1, kill.Kills);
        Assert.Equal([ChatMessage.AnyMessage.Value, ChatMessage.Room("unit").Value], await TestDatabase.ReadOutboxKeysAsync(db));
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("unit"));
    }

    [Fact]
    public async Task InvalidateSignals_without_a_transaction_commits_and_wakes_at_once()
    {
        string db = await TestDatabase.CreateAsync(server, "invalidate");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        SignalKey[] keys = [ChatMessage.Room("bulk"), ChatMessage.Room("bulk"), ChatMessage.AnyMessage];

        await app.WithContextAsync(context => context.InvalidateSignalsAsync(keys, TestContext.Current.CancellationToken));
        await app.WithContextAsync(context =>
        {
            context.InvalidateSignals([ChatMessage.Room("sync")]);
            return Task.CompletedTask;
        });

        Assert.Equal(
            [ChatMessage.AnyMessage.Value, ChatMessage.Room("bulk").Value, ChatMessage.Room("sync").Value],
            await TestDatabase.ReadOutboxKeysAsync(db));
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("bulk"));
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("sync"));
    }

    [Fact]
    public async Task InvalidateSignals_joins_the_transaction_of_an_ExecuteDelete_and_rolls_back_with_it()
    {
        string db = await TestDatabase.CreateAsync(server, "invalidatetx");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("rolled-back"));
        await app.WithContextAsync(context =>
        {
            context.Notes.Add(new AuditNote { Text = "to delete" });
            return context.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        foreach (bool commit in new[] { false, true })
        {
            await app.WithContextAsync(async context =>
            {
                await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
                await context.Notes.ExecuteDeleteAsync(TestContext.Current.CancellationToken);
                await context.InvalidateSignalsAsync([ChatMessage.Room(commit ? "committed" : "rolled-back")], TestContext.Current.CancellationToken);
                if (commit)
                {
                    await transaction.CommitAsync(TestContext.Current.CancellationToken);
                }
                else
                {
                    await transaction.RollbackAsync(TestContext.Current.CancellationToken);
                }
            });
        }

        Assert.Equal([ChatMessage.Room("committed").Value], await TestDatabase.ReadOutboxKeysAsync(db));
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("committed"));
        Assert.Equal(0, HubAssert.Held(app.Hub, ChatMessage.Room("rolled-back")).Version);
        Assert.Equal(0, await app.WithContextAsync(context => context.Notes.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task InvalidateSignals_inside_a_TransactionScope_waits_for_its_commit()
    {
        string db = await TestDatabase.CreateAsync(server, "invalidatescope");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);

        await app.WithContextAsync(async context =>
        {
            using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
            await context.InvalidateSignalsAsync([ChatMessage.Room("scoped-bulk")], TestContext.Current.CancellationToken);
            Assert.Empty(await ReadOutsideScopeAsync(db));
            scope.Complete();
        });

        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("scoped-bulk"));
    }

    [Fact]
    public async Task InvalidateSignals_rejects_bad_input_and_writes_nothing()
    {
        string db = await TestDatabase.CreateAsync(server, "invalidatebad");
        await using ChatDbContext context = TestDatabase.CreateContext(db);

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(
            () => context.InvalidateSignalsAsync([ChatMessage.Room("ok"), default], TestContext.Current.CancellationToken));
        Assert.Contains("default(SignalKey)", error.Message, StringComparison.Ordinal);
        Assert.Empty(await TestDatabase.ReadOutboxAsync(db));

        await using var inMemory = new ChatDbContext(new DbContextOptionsBuilder<ChatDbContext>().UseInMemoryDatabase(Guid.NewGuid().ToString("N")).UseSignals().Options);
        NotSupportedException notRelational = await Assert.ThrowsAsync<NotSupportedException>(
            () => inMemory.InvalidateSignalsAsync([ChatMessage.Room("ok")], TestContext.Current.CancellationToken));
        Assert.Contains("ISignalStore", notRelational.Message, StringComparison.Ordinal);
    }

    private static async Task<List<SignalOutboxEntry>> ReadOutsideScopeAsync(string db)
    {
        using var suppress = new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled);
        return await TestDatabase.ReadOutboxAsync(db);
    }

    private static ChatDbContext Retrying(string db, KillConnectionOnce kill)
        => new(new DbContextOptionsBuilder<ChatDbContext>()
            .UseNpgsql(db, o => o.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(50), null))
            .UseSignals()
            .AddInterceptors(kill)
            .Options);
}
