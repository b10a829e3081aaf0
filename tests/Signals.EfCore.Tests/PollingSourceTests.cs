using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The provider-neutral source of the polling dispatcher (EF Core LINQ) on a real relational database, PostgreSQL standing in for the
/// providers it serves: out-of-order commits within the gap timeout are delivered, rolled-back ids are skipped after it.
/// </summary>
public sealed class PollingSourceTests(PostgresServer server)
{
    [Fact]
    public async Task A_gap_that_fills_within_the_timeout_is_delivered_and_holds_the_settled_cursor_until_then()
    {
        string db = await TestDatabase.CreateAsync(server, "lingap");
        await using ServiceProvider services = Services(db);
        await using EfCoreOutboxSource source = Source(services, TimeSpan.FromMinutes(5));
        var read = new List<OutboxRow>();
        await source.LoadAsync(read.Add, TestContext.Current.CancellationToken);

        await using ChatDbContext held = TestDatabase.CreateContext(db);
        await using IDbContextTransaction transaction = await held.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        held.Messages.Add(new ChatMessage { RoomId = "held", Text = "slow" });
        await held.SaveChangesAsync(TestContext.Current.CancellationToken);
        long heldId = await held.Outbox.MaxAsync(r => r.Id, TestContext.Current.CancellationToken);
        await SaveAsync(db, "after");

        OutboxProgress progress = await source.ReadChangesAsync(read.Add, TestContext.Current.CancellationToken);
        Assert.Contains(read, r => r.Key == ChatMessage.Room("after").Value);
        Assert.DoesNotContain(read, r => r.Key == ChatMessage.Room("held").Value);
        Assert.True(progress.Settled < heldId - 1, $"settled {progress.Settled}, gap starts at {heldId - 1}");

        await transaction.CommitAsync(TestContext.Current.CancellationToken);
        progress = await source.ReadChangesAsync(read.Add, TestContext.Current.CancellationToken);

        Assert.Contains(read, r => r.Key == ChatMessage.Room("held").Value && r.Id == heldId && r.Kind == OutboxRowKind.Change);
        Assert.Equal((await TestDatabase.ReadOutboxAsync(db)).Max(r => r.Id), progress.Settled);

        // The rows above the gap were read again while it was open, but each row is returned once.
        Assert.Single(read, r => r.Key == ChatMessage.Room("after").Value);
    }

    [Fact]
    public async Task A_rolled_back_gap_is_skipped_after_the_timeout_and_nothing_phantom_is_read()
    {
        string db = await TestDatabase.CreateAsync(server, "linrollback");
        await using ServiceProvider services = Services(db);
        await using EfCoreOutboxSource source = Source(services, TimeSpan.FromMilliseconds(200));
        var read = new List<OutboxRow>();
        await source.LoadAsync(read.Add, TestContext.Current.CancellationToken);

        await using (ChatDbContext held = TestDatabase.CreateContext(db))
        {
            await using IDbContextTransaction transaction = await held.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            held.Messages.Add(new ChatMessage { RoomId = "phantom", Text = "never" });
            await held.SaveChangesAsync(TestContext.Current.CancellationToken);
            await SaveAsync(db, "after");
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        long newest = (await TestDatabase.ReadOutboxAsync(db)).Max(r => r.Id);
        OutboxProgress progress = await source.ReadChangesAsync(read.Add, TestContext.Current.CancellationToken);
        Assert.True(progress.Settled < newest);

        // Bounded: the gap expires 200 ms after it was first seen.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HubAssert.DefaultTimeout);
        while (progress.Settled < newest)
        {
            await Task.Delay(50, timeout.Token);
            progress = await source.ReadChangesAsync(read.Add, timeout.Token);
        }

        Assert.Equal(newest, progress.Settled);
        Assert.DoesNotContain(read, r => r.Key == ChatMessage.Room("phantom").Value);
        Assert.Contains(read, r => r.Key == ChatMessage.Room("after").Value);
    }

    [Fact]
    public async Task Load_reads_the_resume_floor_and_the_newest_rows_but_no_key_state()
    {
        string db = await TestDatabase.CreateAsync(server, "linload");
        await SaveAsync(db, "general");
        await SaveAsync(db, "general");
        List<SignalOutboxEntry> before = await TestDatabase.ReadOutboxAsync(db);
        await using ServiceProvider services = Services(db);
        await using EfCoreOutboxSource source = Source(services, TimeSpan.FromMinutes(5));

        Assert.Equal(4, await source.CleanupAsync(DateTimeOffset.UtcNow.AddMinutes(1), 100, TestContext.Current.CancellationToken));
        await SaveAsync(db, "random");
        List<SignalOutboxEntry> newest = await TestDatabase.ReadOutboxAsync(db);
        var read = new List<OutboxRow>();
        OutboxProgress progress = await source.LoadAsync(read.Add, TestContext.Current.CancellationToken);

        // The load reads the highest compacted version (the resume floor) but no key's state: the hub reads a key's version when it is
        // asked for. It returns the newest rows (the batch size: 2), the compacted key not.
        Assert.Equal(before.Max(r => r.Id), await source.ReadCompactedThroughAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before.Max(r => r.Id), progress.CompactedThrough);
        Assert.Equal(newest.Select(r => r.Id), read.Select(r => r.Id));
        Assert.DoesNotContain(read, r => r.Key == ChatMessage.Room("general").Value);
        Assert.Contains(read, r => r.Key == ChatMessage.Room("random").Value);
        Assert.Equal(2, (await TestDatabase.ReadOutboxAsync(db)).Count);
    }

    private static ServiceProvider Services(string db)
        => new ServiceCollection().AddDbContext<ChatDbContext>(o => o.UseNpgsql(db).UseSignals()).BuildServiceProvider();

    private static EfCoreOutboxSource Source(ServiceProvider services, TimeSpan gapTimeout)
        => new(ct => ContextLease.CreateAsync<ChatDbContext>(services.GetRequiredService<IServiceScopeFactory>(), ct), batchSize: 2, gapTimeout, TimeProvider.System);

    private static async Task SaveAsync(string db, string room)
    {
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Messages.Add(new ChatMessage { RoomId = room, Text = room });
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
    }
}
