using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>A family keyed on an identity column gets the real id, in the same transaction as the insert.</summary>
public sealed class IdentityKeyTests(PostgresServer server)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Identity_keyed_family_is_bumped_with_the_real_id_in_one_transaction(bool async)
    {
        string db = await TestDatabase.CreateAsync(server, "identity");
        var transactions = new TransactionCounter();
        await using ChatDbContext context = TestDatabase.CreateContext(db, transactions);
        var first = new Ticket { Title = "printer" };
        var second = new Ticket { Title = "coffee" };
        context.Tickets.AddRange(first, second);
        context.Messages.Add(new ChatMessage { RoomId = "general", Text = "filed two tickets" });

        int saved = async ? await context.SaveChangesAsync(TestContext.Current.CancellationToken) : context.SaveChanges();

        Assert.Equal(3, saved);
        Assert.True(first.Id > 0 && second.Id > 0);
        string[] expected =
        [
            .. new[] { ChatMessage.AnyMessage, ChatMessage.Room("general"), Ticket.AnyTicket, Ticket.ById(first.Id), Ticket.ById(second.Id) }
                .Select(k => k.Value)
                .Order(StringComparer.Ordinal),
        ];
        Assert.Equal(expected, await TestDatabase.ReadOutboxKeysAsync(db));
        Assert.Equal(1, transactions.Started);
        Assert.Equal(1, transactions.Committed);
        Assert.DoesNotContain(context.ChangeTracker.Entries(), e => e.Entity is SignalOutboxEntry);
        Assert.All(context.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
    }

    [Fact]
    public async Task Identity_keyed_family_inside_a_user_transaction_rolls_back_with_it()
    {
        string db = await TestDatabase.CreateAsync(server, "identityrollback");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        await using (var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            context.Tickets.Add(new Ticket { Title = "never" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            Assert.Same(transaction, context.Database.CurrentTransaction);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        Assert.Empty(await TestDatabase.ReadOutboxAsync(db));
        await using ChatDbContext check = TestDatabase.CreateContext(db);
        Assert.Equal(0, await check.Tickets.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Identity_keyed_family_inside_a_user_transaction_commits_with_it()
    {
        string db = await TestDatabase.CreateAsync(server, "identitycommit");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        var ticket = new Ticket { Title = "kept" };
        await using (var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            context.Tickets.Add(ticket);
            Assert.Equal(1, await context.SaveChangesAsync(TestContext.Current.CancellationToken));
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        string[] keys = await TestDatabase.ReadOutboxKeysAsync(db);
        Assert.Equal(2, keys.Length);
        Assert.Contains(Ticket.AnyTicket.Value, keys);
        Assert.Contains(Ticket.ById(ticket.Id).Value, keys);
    }

    [Fact]
    public async Task Updating_an_identity_keyed_entity_needs_no_transaction_the_outbox_rows_go_in_the_update_command()
    {
        string db = await TestDatabase.CreateAsync(server, "identityupdate");
        var ticket = new Ticket { Title = "old" };
        await using (ChatDbContext seed = TestDatabase.CreateContext(db))
        {
            seed.Tickets.Add(ticket);
            await seed.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var transactions = new TransactionCounter();
        await using ChatDbContext context = TestDatabase.CreateContext(db, transactions);
        Ticket loaded = await context.Tickets.SingleAsync(TestContext.Current.CancellationToken);
        loaded.Title = "new";
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);

        // One UPDATE: EF Core begins no transaction, and Signals adds its rows to the same command (one implicit transaction).
        Assert.Equal(0, transactions.Started);
        Assert.Equal(0, transactions.Committed);
        List<SignalOutboxEntry> rows = await TestDatabase.ReadOutboxAsync(db);
        Assert.Equal(2, rows.Count(r => r.Key == Ticket.ById(ticket.Id).Value));
    }

    /// <summary>Counts transactions begun explicitly through the context's database facade (by the application or by Signals).</summary>
    private sealed class TransactionCounter : DbTransactionInterceptor
    {
        public int Started;
        public int Committed;

        public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
        {
            Interlocked.Increment(ref Started);
            return result;
        }

        public override ValueTask<DbTransaction> TransactionStartedAsync(
            DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Started);
            return ValueTask.FromResult(result);
        }

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Interlocked.Increment(ref Committed);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Committed);
            return Task.CompletedTask;
        }
    }
}
