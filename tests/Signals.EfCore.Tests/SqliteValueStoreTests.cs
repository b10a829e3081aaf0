using System.Text.Json;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The EF Core value store on a SQLite file: the neutral relational commands (a transaction per write, a conditional update), atomic
/// increments, bad input refused with nothing changed.
/// </summary>
public sealed class SqliteValueStoreTests
{
    private static readonly SignalKey Theme = SignalKey.Parse("app:theme");
    private static readonly SignalKey Counter = SignalKey.Parse("demo:counter");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sixteen_concurrent_incrementers_on_two_instances_lose_no_increment()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("valueinc");
        await using SignalsTestApp first = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);
        await using SignalsTestApp second = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);
        ISignalValueStore[] stores = [first.Services.GetRequiredService<ISignalValueStore>(), second.Services.GetRequiredService<ISignalValueStore>()];
        Assert.IsType<EfCoreSignalStore<ChatDbContext>>(stores[0]);
        const int Tasks = 16;
        const int Each = 10;

        long[][] versions = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var seen = new long[Each];
            for (int i = 0; i < Each; i++)
            {
                seen[i] = (await stores[t % 2].IncrementAsync(Counter, "count", 1, static () => new CounterValue(0), Cancel)).Version;
            }

            return seen;
        })));

        SignalValue<CounterValue> final = await stores[1].GetAsync(Counter, static () => new CounterValue(0), Cancel);
        Assert.Equal(Tasks * Each, final.Value.Count);
        long[] all = [.. versions.SelectMany(v => v)];
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.Equal(all.Max(), final.Version);
        Assert.All(versions, seen => Assert.True(seen.SequenceEqual(seen.Order()), "one caller's versions go up"));
        Assert.Equal(Tasks * Each, (await db.ReadOutboxAsync()).Count(r => r.Key == Counter.Value));
        await HubAssert.WaitForVersionAsync(first.Hub, Counter, final.Version);
        await HubAssert.WaitForVersionAsync(second.Hub, Counter, final.Version);
    }

    [Fact]
    public async Task Without_the_in_process_queue_concurrent_writers_on_separate_connections_still_lose_no_increment()
    {
        // The commands alone, as separate processes would run them: each write takes SQLite's write lock (BEGIN IMMEDIATE) and waits for it.
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("valuecommands");
        var commands = new RelationalValueCommands();
        JsonElement zero = Json("""{"count":0}""");

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Factory.StartNew(
            async () =>
            {
                for (int i = 0; i < 5; i++)
                {
                    await using ChatDbContext context = db.CreateContext();
                    await commands.IncrementAsync(context, Counter, "count", 1, zero, DateTimeOffset.UtcNow, Cancel);
                }
            },
            Cancel,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()));

        await using ChatDbContext reader = db.CreateContext();
        SignalValue<JsonElement>? stored = await commands.GetAsync(reader, Counter, Cancel);
        Assert.Equal(80, stored!.Value.GetProperty("count").GetInt64());
        List<SignalOutboxEntry> rows = await db.ReadOutboxAsync();
        Assert.Equal(80, rows.Count);
        Assert.Equal(rows.Max(r => r.Id), stored.Version);
    }

    [Fact]
    public async Task Set_get_equal_values_and_delete_work_and_publish_hashed_versions()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("valueset");
        await using SignalsTestApp first = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);
        await using SignalsTestApp second = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);
        ISignalValueStore store = first.Services.GetRequiredService<ISignalValueStore>();

        SignalValue<ThemeValue> set = await store.SetAsync(Theme, new ThemeValue("light", 2), Cancel);
        SignalValue<ThemeValue> again = await store.SetAsync(Theme, new ThemeValue("light", 2), Cancel);
        SignalValue<ThemeValue> read = await second.Services.GetRequiredService<ISignalValueStore>().GetAsync(Theme, static () => new ThemeValue("dark", 0), Cancel);

        Assert.Equal(set.State, again.State);
        Assert.Equal((new ThemeValue("light", 2), set.State), (read.Value, read.State));
        Assert.Matches("^[0-9a-f]{16}$", set.State.Hash);
        SignalOutboxEntry row = Assert.Single(await db.ReadOutboxAsync());
        Assert.Equal((Theme.Value, set.Version, set.State.Hash), (row.Key, row.Id, row.Hash));
        Assert.Equal(set.State.Hash, (await HubAssert.WaitForVersionAsync(second.Hub, Theme, set.Version)).Hash);

        Assert.True(await store.DeleteAsync(Theme, Cancel));
        Assert.False(await store.DeleteAsync(Theme, Cancel));
        Assert.Null(await store.GetAsync(Theme, Cancel));
        SignalVersion deleted = await HubAssert.WaitForVersionAsync(second.Hub, Theme, set.Version + 1);
        Assert.Null(deleted.Hash);
        Assert.Equal(2, (await db.ReadOutboxAsync()).Count);
    }

    [Fact]
    public async Task Increment_of_a_value_without_that_integer_or_past_64_bits_fails_clearly_and_changes_nothing()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("valuebadinc");
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();
        SignalValue<JsonElement> stored = await store.SetAsync(Counter, Json("""{"count":"many"}"""), Cancel);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await store.IncrementAsync(Counter, "count", 1, Json("""{"count":0}"""), Cancel));
        Assert.Contains("integer property 'count'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.IncrementAsync(Counter, "count", 1, Json("""{"other":0}"""), Cancel));

        SignalValue<JsonElement> max = await store.SetAsync(Counter, Json("""{"count":9223372036854775807}"""), Cancel);
        await Assert.ThrowsAsync<OverflowException>(async () => await store.IncrementAsync(Counter, "count", 1, Json("""{"count":0}"""), Cancel));

        Assert.Equal([stored.Version, max.Version], (await db.ReadOutboxAsync()).Select(r => r.Id));
        Assert.Equal(max.State, (await store.GetAsync(Counter, Cancel))!.State);
        Assert.Equal(max.State, await app.Hub.GetVersionAsync(Counter, Cancel));
    }

    private static void Fast(SignalsOutboxOptions options) => options.PollInterval = TimeSpan.FromMilliseconds(50);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private sealed record ThemeValue(string Mode, int Size);

    private sealed record CounterValue(long Count);
}
