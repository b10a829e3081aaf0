using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>What the interceptor writes into the outbox, read back from a real PostgreSQL database.</summary>
public sealed class InterceptorTests(PostgresServer server)
{
    private static readonly string General = ChatMessage.Room("general").Value;
    private static readonly string Random = ChatMessage.Room("random").Value;
    private static readonly string AnyMessage = ChatMessage.AnyMessage.Value;

    /// <summary>More inserts than one batch of Npgsql's EF Core provider holds (1,000 statements): the save takes two commands.</summary>
    private const int MoreThanOneBatch = 1_100;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Added_entity_bumps_its_keys_and_the_result_does_not_count_outbox_rows(bool async)
    {
        string db = await TestDatabase.CreateAsync(server, "added");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Messages.Add(new ChatMessage { RoomId = "general", Text = "hi" });

        int saved = async ? await context.SaveChangesAsync(TestContext.Current.CancellationToken) : context.SaveChanges();

        Assert.Equal(1, saved);
        Assert.Equal([AnyMessage, General], await TestDatabase.ReadOutboxKeysAsync(db));
        Assert.DoesNotContain(context.ChangeTracker.Entries(), e => e.Entity is SignalOutboxEntry);
    }

    [Fact]
    public async Task Modified_entity_bumps_its_keys()
    {
        string db = await TestDatabase.CreateAsync(server, "modified");

        await ChangeSeededMessageAsync(db, static (_, loaded) => loaded.Text = "edited");

        Assert.Equal([AnyMessage, General], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task Deleted_entity_bumps_the_keys_of_its_original_values()
    {
        string db = await TestDatabase.CreateAsync(server, "deleted");

        await ChangeSeededMessageAsync(db, static (context, loaded) =>
        {
            loaded.RoomId = "random"; // changed, then deleted: the row that existed was in "general"
            context.Messages.Remove(loaded);
        });

        Assert.Equal([AnyMessage, General], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task Moving_a_message_between_rooms_bumps_both_rooms()
    {
        string db = await TestDatabase.CreateAsync(server, "move");

        await ChangeSeededMessageAsync(db, static (_, loaded) => loaded.RoomId = "random");

        Assert.Equal([AnyMessage, General, Random], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task Changes_without_automatic_detection_are_still_seen()
    {
        string db = await TestDatabase.CreateAsync(server, "nodetect");

        await ChangeSeededMessageAsync(db, static (context, loaded) =>
        {
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            loaded.RoomId = "random";
            context.ChangeTracker.DetectChanges();
        });

        Assert.Equal([AnyMessage, General, Random], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task Keys_are_deduped_per_save()
    {
        string db = await TestDatabase.CreateAsync(server, "dedupe");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Messages.AddRange(
            new ChatMessage { RoomId = "general", Text = "one" },
            new ChatMessage { RoomId = "general", Text = "two" },
            new ChatMessage { RoomId = "random", Text = "three" });

        int saved = await context.SaveChangesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, saved);
        Assert.Equal([AnyMessage, General, Random], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task Each_save_gets_new_versions_from_one_sequence()
    {
        string db = await TestDatabase.CreateAsync(server, "versions");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Messages.Add(new ChatMessage { RoomId = "general", Text = "one" });
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        context.Messages.Add(new ChatMessage { RoomId = "general", Text = "two" });
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);

        List<SignalOutboxEntry> rows = await TestDatabase.ReadOutboxAsync(db);
        Assert.Equal(4, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        long firstGeneral = rows.Where(r => r.Key == General).Min(r => r.Id);
        long secondGeneral = rows.Where(r => r.Key == General).Max(r => r.Id);
        Assert.True(secondGeneral > firstGeneral);
        Assert.All(rows, r => Assert.True(r.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-5)));
    }

    [Fact]
    public async Task Save_without_accepting_changes_does_not_stage_rows_twice()
    {
        string db = await TestDatabase.CreateAsync(server, "noaccept");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Messages.Add(new ChatMessage { RoomId = "general", Text = "hi" });

        Assert.Equal(1, await context.SaveChangesAsync(acceptAllChangesOnSuccess: false, TestContext.Current.CancellationToken));
        context.ChangeTracker.AcceptAllChanges();
        Assert.Equal(0, await context.SaveChangesAsync(TestContext.Current.CancellationToken));

        Assert.Equal([AnyMessage, General], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task Entities_without_signals_add_no_rows()
    {
        string db = await TestDatabase.CreateAsync(server, "plain");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Notes.Add(new AuditNote { Text = "nothing to signal" });

        Assert.Equal(1, await context.SaveChangesAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await TestDatabase.ReadOutboxAsync(db));
    }

    [Fact]
    public async Task Rolled_back_user_transaction_leaves_no_outbox_rows()
    {
        string db = await TestDatabase.CreateAsync(server, "rollback");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        await using (var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            context.Messages.Add(new ChatMessage { RoomId = "general", Text = "never" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        Assert.Empty(await TestDatabase.ReadOutboxAsync(db));
    }

    [Fact]
    public async Task Committed_user_transaction_keeps_rows_of_every_save_in_it()
    {
        string db = await TestDatabase.CreateAsync(server, "commit");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        await using (var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            context.Messages.Add(new ChatMessage { RoomId = "general", Text = "one" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            context.Messages.Add(new ChatMessage { RoomId = "random", Text = "two" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal([AnyMessage, AnyMessage, General, Random], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task Failed_save_leaves_no_staged_rows_behind()
    {
        string db = await TestDatabase.CreateAsync(server, "failed");
        var message = new ChatMessage { RoomId = "general", Text = "hi" };
        await SeedAsync(db, message);

        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Messages.Add(new ChatMessage { Id = message.Id, RoomId = "random", Text = "duplicate id" });
        await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync(TestContext.Current.CancellationToken));

        Assert.DoesNotContain(context.ChangeTracker.Entries(), e => e.Entity is SignalOutboxEntry);
        Assert.Empty(await TestDatabase.ReadOutboxAsync(db));

        // The failed entity is fixed and saved again: exactly its keys are staged, once.
        context.ChangeTracker.Entries<ChatMessage>().Single().Entity.Id = Guid.NewGuid();
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        Assert.Equal([AnyMessage, Random], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task An_entity_with_one_key_bumps_it()
    {
        string db = await TestDatabase.CreateAsync(server, "onekey");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Settings.Add(new Setting { Name = "theme", Value = "dark" });
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        context.Settings.Single().Value = "light";
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);

        string theme = Setting.ByName("theme").Value;
        Assert.Equal([theme, theme], await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Theory]
    [InlineData(EntityState.Modified, false)]
    [InlineData(EntityState.Deleted, false)]
    [InlineData(EntityState.Modified, true)]
    [InlineData(EntityState.Deleted, true)]
    public async Task A_save_whose_row_is_gone_fails_and_bumps_nothing(EntityState state, bool oneKey)
    {
        // One statement, so no transaction: the outbox rows share the statement's implicit transaction, and an UPDATE or DELETE that
        // matches no row is no error there. EF Core reports the concurrency failure afterwards; the rows must not have been written.
        string db = await TestDatabase.CreateAsync(server, "gone");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        object missing = oneKey ? new Setting { Name = "never saved" } : new ChatMessage { RoomId = "general", Text = "never saved" };
        context.Attach(missing);
        if (state == EntityState.Modified)
        {
            context.Entry(missing).Property(oneKey ? nameof(Setting.Value) : nameof(ChatMessage.Text)).CurrentValue = "changed";
        }
        else
        {
            context.Remove(missing);
        }

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync(TestContext.Current.CancellationToken));

        Assert.Empty(await TestDatabase.ReadOutboxAsync(db));
    }

    [Fact]
    public async Task A_save_larger_than_one_batch_bumps_each_key_once()
    {
        string db = await TestDatabase.CreateAsync(server, "batches");
        await using ChatDbContext context = TestDatabase.CreateContext(db);
        context.Messages.AddRange(Enumerable.Range(0, MoreThanOneBatch).Select(static i => new ChatMessage { RoomId = $"r{i}", Text = "hi" }));

        Assert.Equal(MoreThanOneBatch, await context.SaveChangesAsync(TestContext.Current.CancellationToken));

        string[] expected = [AnyMessage, .. Enumerable.Range(0, MoreThanOneBatch).Select(static i => ChatMessage.Room($"r{i}").Value)];
        Assert.Equal(expected.Order(StringComparer.Ordinal), await TestDatabase.ReadOutboxKeysAsync(db));
    }

    [Fact]
    public async Task A_save_larger_than_one_batch_that_fails_in_a_later_batch_bumps_nothing()
    {
        string db = await TestDatabase.CreateAsync(server, "batchfail");
        var failSecond = new FailNthSaveCommand(2);
        await using ChatDbContext context = TestDatabase.CreateContext(db, failSecond);
        context.Messages.AddRange(Enumerable.Range(0, MoreThanOneBatch).Select(static i => new ChatMessage { RoomId = $"r{i}", Text = "hi" }));

        DbUpdateException error = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync(TestContext.Current.CancellationToken));

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(2, failSecond.Commands);
        Assert.Empty(await TestDatabase.ReadOutboxAsync(db));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM \"Messages\""));
    }

    [Fact]
    public void Saving_a_signal_source_without_the_outbox_mapping_says_how_to_fix_it()
    {
        var options = new DbContextOptionsBuilder<NoOutboxDbContext>()
            .UseInMemoryDatabase(nameof(Saving_a_signal_source_without_the_outbox_mapping_says_how_to_fix_it))
            .UseSignals()
            .Options;
        using var context = new NoOutboxDbContext(options);
        context.Messages.Add(new ChatMessage { RoomId = "general" });

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => context.SaveChanges());
        Assert.Contains("AddSignalsOutbox()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseSignals_is_idempotent()
    {
        var builder = new DbContextOptionsBuilder<ChatDbContext>()
            .UseInMemoryDatabase("idempotent")
            .UseSignals(signals => signals.UsePostgreSql())
            .UseSignals()
            .UseSignals();

        // One extension, and a later call without a provider keeps the one chosen before.
        SignalsOptionsExtension extension = Assert.Single(builder.Options.Extensions.OfType<SignalsOptionsExtension>());
        Assert.Same(PostgreSql.PostgreSqlOutboxProvider.Instance, extension.Provider);

        // One interceptor of each kind per context, from EF Core's internal services.
        using var context = new ChatDbContext(builder.Options);
        Assert.Single(context.GetService<IEnumerable<IInterceptor>>().OfType<SignalsSaveChangesInterceptor>());
        Assert.Single(context.GetService<IEnumerable<IInterceptor>>().OfType<OutboxCommitWaker>());
    }

    [Fact]
    public async Task Applications_share_EF_Cores_internal_services_and_each_context_wakes_its_own_applications_dispatcher()
    {
        // The dispatcher link rides in the options as data, outside the service-provider hash: EF Core builds one internal service
        // provider (and so one model) for both applications, yet each context reports its commits to its own application.
        string db = await TestDatabase.CreateAsync(server, "sharedservices");
        await using SignalsTestApp a = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        await using SignalsTestApp b = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        OutboxSignaler signalerA = a.Services.GetRequiredKeyedService<OutboxSignaler>(typeof(ChatDbContext));
        OutboxSignaler signalerB = b.Services.GetRequiredKeyedService<OutboxSignaler>(typeof(ChatDbContext));

        Assert.Same(await a.WithContextAsync(c => Task.FromResult(c.Model)), await b.WithContextAsync(c => Task.FromResult(c.Model)));
        await a.SaveMessageAsync("general", "from a");

        Assert.Equal(1, signalerA.Commits);
        Assert.Equal(0, signalerB.Commits);
    }

    private static async Task SeedAsync(string db, params ChatMessage[] messages)
    {
        await using (ChatDbContext context = TestDatabase.CreateContext(db))
        {
            context.Messages.AddRange(messages);
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using ChatDbContext cleanup = TestDatabase.CreateContext(db);
        await cleanup.Outbox.ExecuteDeleteAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Seeds one message in "general" (its outbox rows removed), loads it in a new context, changes it and saves.</summary>
    private static async Task ChangeSeededMessageAsync(string db, Action<ChatDbContext, ChatMessage> change)
    {
        await SeedAsync(db, new ChatMessage { RoomId = "general", Text = "hi" });

        await using ChatDbContext context = TestDatabase.CreateContext(db);
        ChatMessage loaded = await context.Messages.SingleAsync(TestContext.Current.CancellationToken);
        change(context, loaded);
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Fails the <paramref name="n"/>th command a save sends, before it runs.</summary>
    private sealed class FailNthSaveCommand(int n) : DbCommandInterceptor
    {
        public int Commands { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
            => eventData.CommandSource == CommandSource.SaveChanges && ++Commands == n
                ? throw new InvalidOperationException($"Command {n} of the save failed.")
                : ValueTask.FromResult(result);
    }
}
