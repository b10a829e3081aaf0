using Microsoft.EntityFrameworkCore.Storage;
using Signals.EntityFrameworkCore.Sqlite;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The SQLite dispatcher's source on a real file: SQLite's writers take turns, so a missing id below a visible one never fills, and the
/// source passes it at once (no gap timeout) without ever skipping a row that can still commit.
/// </summary>
public sealed class SqliteGapSafetyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_hole_below_a_visible_row_is_passed_at_once_and_the_row_is_read()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("hole");
        await using ServiceProvider services = Services(db);
        await using IOutboxSource source = Reader(services);
        var read = new List<OutboxRow>();
        await source.LoadAsync(read.Add, Cancel);

        // One transaction draws an id, deletes its row and commits: AUTOINCREMENT never draws that id again. The next row is above it.
        await using (ChatDbContext context = db.CreateContext())
        {
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(Cancel);
            var doomed = new SignalOutboxEntry { Key = "gap:doomed", CreatedAt = DateTimeOffset.UtcNow };
            context.Outbox.Add(doomed);
            await context.SaveChangesAsync(Cancel);
            context.Outbox.Remove(doomed);
            await context.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        long above = await InsertAsync(db, "gap:above");
        OutboxProgress progress = await source.ReadChangesAsync(read.Add, Cancel);

        Assert.Equal("SQLite polling", source.Kind);
        Assert.Equal(above, progress.Settled);
        Assert.Equal(["gap:above"], read.Select(r => r.Key));
        Assert.True(above > 1, "the deleted row's id was drawn first, so the row above it left a hole");
    }

    [Fact]
    public async Task Concurrent_writers_with_rollbacks_and_holes_are_read_exactly_once_and_never_below_the_settled_cursor()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("gaprace");
        await using ServiceProvider services = Services(db);
        await using IOutboxSource source = Reader(services);
        await source.LoadAsync(_ => { }, Cancel);
        const int Writers = 3;
        const int TransactionsPerWriter = 60;

        // Each writer on its own connection and thread, holding SQLite's write lock across a random pause before it commits, rolls
        // back (the next writer draws the same ids again), or deletes a row it inserted before committing (a hole that never fills).
        var outcomes = new WriterOutcome[Writers];
        Task[] writers = [.. Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(
            () => outcomes[w] = Write(db, w, TransactionsPerWriter, new Random(w)), Cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default))];

        var reads = new List<(long Settled, List<OutboxRow> Rows)>();
        Task writing = Task.WhenAll(writers);
        while (!writing.IsCompleted)
        {
            var rows = new List<OutboxRow>();
            OutboxProgress progress = await source.ReadChangesAsync(rows.Add, Cancel);
            reads.Add((progress.Settled, rows));
        }

        await writing;
        var last = new List<OutboxRow>();
        reads.Add(((await source.ReadChangesAsync(last.Add, Cancel)).Settled, last));

        List<SignalOutboxEntry> committed = await db.ReadOutboxAsync();
        OutboxRow[] published = [.. reads.SelectMany(r => r.Rows)];
        Assert.Equal(published.Length, published.Select(r => r.Id).Distinct().Count());
        Assert.Equal(committed.Select(r => (r.Id, r.Key)), published.Select(r => (r.Id, r.Key)).Order());
        Assert.DoesNotContain(published, r => r.Key.Contains(":gone", StringComparison.Ordinal));
        Assert.Equal(committed.Max(r => r.Id), reads[^1].Settled);
        for (int later = 1; later < reads.Count; later++)
        {
            long settledBefore = reads[later - 1].Settled;
            Assert.True(settledBefore <= reads[later].Settled, "the settled cursor never moves back");
            Assert.All(reads[later].Rows, row => Assert.True(row.Id > settledBefore, $"row {row.Id} was published after the settled cursor passed it ({settledBefore})"));
        }

        // The run did what it claims: rollbacks, holes left by committed deletes, and reads while writers held the lock.
        Assert.True(outcomes.Sum(o => o.RolledBack) > 0, "no transaction rolled back");
        Assert.True(outcomes.Sum(o => o.Holes) > 0, "no transaction left a hole");
        long[] ids = [.. committed.Select(r => r.Id)];
        Assert.True(ids.Zip(ids.Skip(1)).Any(pair => pair.Second > pair.First + 1), "the committed ids have no hole");
        Assert.True(reads.Count > 10, $"only {reads.Count} reads ran beside the writers");
    }

    private static WriterOutcome Write(SqliteTestDatabase db, int writer, int transactions, Random random)
    {
        var outcome = new WriterOutcome();
        using ChatDbContext context = db.CreateContext();
        for (int n = 0; n < transactions; n++)
        {
            context.ChangeTracker.Clear();
            double roll = random.NextDouble();
            using IDbContextTransaction transaction = context.Database.BeginTransaction();
            string name = roll < 0.15 ? "gone" : "kept";
            context.Outbox.AddRange(Enumerable.Range(0, random.Next(1, 4)).Select(i => new SignalOutboxEntry { Key = $"gap:w{writer}-{n}-{i}:{name}", CreatedAt = DateTimeOffset.UtcNow }));
            context.SaveChanges();
            if (roll is >= 0.15 and < 0.3)
            {
                var doomed = new SignalOutboxEntry { Key = $"gap:w{writer}-{n}:gone", CreatedAt = DateTimeOffset.UtcNow };
                context.Outbox.Add(doomed);
                context.SaveChanges();
                context.Outbox.Add(new SignalOutboxEntry { Key = $"gap:w{writer}-{n}-after:kept", CreatedAt = DateTimeOffset.UtcNow });
                context.Outbox.Remove(doomed);
                context.SaveChanges();
                outcome.Holes++;
            }

            Thread.Sleep(random.Next(3));
            if (roll < 0.15)
            {
                transaction.Rollback();
                outcome.RolledBack++;
            }
            else
            {
                transaction.Commit();
            }
        }

        return outcome;
    }

    private static async Task<long> InsertAsync(SqliteTestDatabase db, string key)
    {
        await using ChatDbContext context = db.CreateContext();
        var row = new SignalOutboxEntry { Key = key, CreatedAt = DateTimeOffset.UtcNow };
        context.Outbox.Add(row);
        await context.SaveChangesAsync(Cancel);
        return row.Id;
    }

    private static ServiceProvider Services(SqliteTestDatabase db)
        => new ServiceCollection().AddDbContext<ChatDbContext>(o => o.UseSqlite(db.ConnectionString).UseSignals(s => s.UseSqlite())).BuildServiceProvider();

    /// <summary>The source the SQLite provider opens for a dispatcher, with small batches so that reads take several queries.</summary>
    private static IOutboxSource Reader(ServiceProvider services)
    {
        IServiceScopeFactory scopes = services.GetRequiredService<IServiceScopeFactory>();
        using AsyncServiceScope scope = scopes.CreateAsyncScope();
        var settings = new OutboxReaderSettings(
            typeof(ChatDbContext),
            OutboxRegistration.NameOf(typeof(ChatDbContext)),
            services,
            ct => ContextLease.CreateAsync<ChatDbContext>(scopes, ct),
            new OutboxSignaler(typeof(ChatDbContext)),
            new OutboxDispatcherStatus(nameof(ChatDbContext), TimeProvider.System),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            TimeSpan.FromSeconds(1),
            BatchSize: 7,
            GapTimeout: TimeSpan.FromMinutes(5));
        return SqliteOutboxProvider.Instance.OpenReader(scope.ServiceProvider.GetRequiredService<ChatDbContext>(), settings).Source;
    }

    private sealed class WriterOutcome
    {
        public int RolledBack { get; set; }

        public int Holes { get; set; }
    }
}
