using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>The EF Core value store: values and their outbox rows in one transaction, hashes on the dispatched versions.</summary>
public sealed class ValueStoreTests(PostgresServer server)
{
    private static readonly SignalKey Theme = SignalKey.Parse("app:theme");
    private static readonly SignalKey Counter = SignalKey.Parse("demo:counter");

    [Fact]
    public async Task Set_writes_the_value_and_an_outbox_row_with_its_hash_and_other_instances_get_the_hash()
    {
        string db = await TestDatabase.CreateAsync(server, "valueset");
        await using SignalsTestApp first = await SignalsTestApp.StartPostgresAsync(db);
        await using SignalsTestApp second = await SignalsTestApp.StartPostgresAsync(db);
        ISignalValueStore store = first.Services.GetRequiredService<ISignalValueStore>();
        Assert.IsType<EfCoreSignalStore<ChatDbContext>>(store);

        SignalValue<ThemeValue> set = await store.SetAsync(Theme, new ThemeValue("light", 2), TestContext.Current.CancellationToken);
        SignalValue<ThemeValue> read = await store.GetAsync(Theme, static () => new ThemeValue("dark", 0), TestContext.Current.CancellationToken);

        Assert.Equal(new ThemeValue("light", 2), read.Value);
        Assert.Equal(set.State, read.State);
        Assert.Matches("^[0-9a-f]{16}$", set.State.Hash);
        SignalOutboxEntry row = Assert.Single(await TestDatabase.ReadOutboxAsync(db));
        Assert.Equal((Theme.Value, set.Version, set.State.Hash), (row.Key, row.Id, row.Hash));
        Assert.Equal(set.State, await first.Hub.GetVersionAsync(Theme, TestContext.Current.CancellationToken));
        SignalVersion dispatched = await HubAssert.WaitForVersionAsync(second.Hub, Theme, set.Version);
        Assert.Equal(set.State.Hash, dispatched.Hash);
    }

    [Fact]
    public async Task Setting_an_equal_value_bumps_nothing_whatever_its_key_order_and_whitespace()
    {
        string db = await TestDatabase.CreateAsync(server, "valueequal");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db);
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();

        SignalValue<JsonElement> first = await store.SetAsync(Theme, Json("""{"mode":"light","size":2}"""), TestContext.Current.CancellationToken);
        SignalValue<JsonElement> again = await store.SetAsync(Theme, Json("""{ "size" : 2, "mode" : "light" }"""), TestContext.Current.CancellationToken);
        SignalValue<JsonElement> changed = await store.SetAsync(Theme, Json("""{"mode":"dark","size":2}"""), TestContext.Current.CancellationToken);

        Assert.Equal(first.State, again.State);
        Assert.True(changed.Version > first.Version);
        Assert.NotEqual(first.State.Hash, changed.State.Hash);
        Assert.Equal(2, (await TestDatabase.ReadOutboxAsync(db)).Count);
    }

    [Fact]
    public async Task Sixteen_concurrent_incrementers_lose_no_increment()
    {
        string db = await TestDatabase.CreateAsync(server, "valueinc");
        await using SignalsTestApp first = await SignalsTestApp.StartPostgresAsync(db);
        await using SignalsTestApp second = await SignalsTestApp.StartPostgresAsync(db);
        ISignalValueStore[] stores = [first.Services.GetRequiredService<ISignalValueStore>(), second.Services.GetRequiredService<ISignalValueStore>()];
        const int tasks = 16;
        const int each = 10;

        long[][] versions = await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var seen = new long[each];
            for (int i = 0; i < each; i++)
            {
                SignalValue<CounterValue> value = await stores[t % 2].IncrementAsync(Counter, "count", 1, static () => new CounterValue(0), TestContext.Current.CancellationToken);
                seen[i] = value.Version;
            }

            return seen;
        })));

        SignalValue<CounterValue> final = await stores[0].GetAsync(Counter, static () => new CounterValue(0), TestContext.Current.CancellationToken);
        Assert.Equal(tasks * each, final.Value.Count);
        long[] all = [.. versions.SelectMany(v => v)];
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.Equal(all.Max(), final.Version);
        Assert.All(versions, seen => Assert.True(seen.SequenceEqual(seen.Order()), "one caller's versions go up"));
        Assert.Equal(tasks * each, (await TestDatabase.ReadOutboxAsync(db)).Count(r => r.Key == Counter.Value));
        await HubAssert.WaitForVersionAsync(first.Hub, Counter, final.Version);
        await HubAssert.WaitForVersionAsync(second.Hub, Counter, final.Version);
    }

    [Fact]
    public async Task Increment_of_a_value_without_that_integer_fails_clearly_and_changes_nothing()
    {
        string db = await TestDatabase.CreateAsync(server, "valuebadinc");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db);
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();
        SignalValue<JsonElement> stored = await store.SetAsync(Counter, Json("""{"count":"many"}"""), TestContext.Current.CancellationToken);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await store.IncrementAsync(Counter, "count", 1, Json("""{"count":0}"""), TestContext.Current.CancellationToken));
        Assert.Contains("integer property 'count'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(
            async () => await store.IncrementAsync(Counter, "count", 1, Json("""{"other":0}"""), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.SetAsync(default, Json("1"), TestContext.Current.CancellationToken));

        await store.SetAsync(Counter, Json("""{"count":9223372036854775807}"""), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<OverflowException>(
            async () => await store.IncrementAsync(Counter, "count", 1, Json("""{"count":0}"""), TestContext.Current.CancellationToken));

        Assert.Equal(2, (await TestDatabase.ReadOutboxAsync(db)).Count);
        Assert.Equal(stored.Version, (await TestDatabase.ReadOutboxAsync(db)).Min(r => r.Id));
    }

    [Fact]
    public async Task Delete_bumps_once_then_reads_the_default()
    {
        string db = await TestDatabase.CreateAsync(server, "valuedelete");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db);
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();
        SignalValue<ThemeValue> set = await store.SetAsync(Theme, new ThemeValue("light", 1), TestContext.Current.CancellationToken);

        Assert.True(await store.DeleteAsync(Theme, TestContext.Current.CancellationToken));
        Assert.False(await store.DeleteAsync(Theme, TestContext.Current.CancellationToken));

        Assert.Null(await store.GetAsync(Theme, TestContext.Current.CancellationToken));
        SignalVersion deleted = await app.Hub.GetVersionAsync(Theme, TestContext.Current.CancellationToken);
        Assert.True(deleted.Version > set.Version);
        Assert.Null(deleted.Hash);
        Assert.Equal(2, (await TestDatabase.ReadOutboxAsync(db)).Count);
    }

    [Fact]
    public async Task ISignalStore_invalidates_through_the_outbox_with_outbox_ids_as_versions()
    {
        string db = await TestDatabase.CreateAsync(server, "signalstore");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db);
        ISignalStore store = app.Services.GetRequiredService<ISignalStore>();

        IReadOnlyList<SignalVersion> versions = await store.InvalidateAsync([ChatMessage.Room("a"), ChatMessage.Room("a"), ChatMessage.Room("b")], TestContext.Current.CancellationToken);

        Assert.Equal(
            (await TestDatabase.ReadOutboxAsync(db)).Select(r => (r.Key, r.Id)).Order(),
            versions.Select(v => (v.Key.Value, v.Version)).Order());
        Assert.Equal(versions, await app.Hub.GetVersionsAsync([.. versions.Select(v => v.Key)], TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.InvalidateAsync([default], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task On_the_in_memory_provider_the_store_works_the_same_including_concurrent_increments()
    {
        await using SignalsTestApp app = await SignalsTestApp.StartInMemoryAsync(Guid.NewGuid().ToString("N"), new InMemoryDatabaseRoot(), o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();

        SignalValue<ThemeValue> set = await store.SetAsync(Theme, new ThemeValue("light", 1), TestContext.Current.CancellationToken);
        Assert.Equal(set.State, (await store.SetAsync(Theme, new ThemeValue("light", 1), TestContext.Current.CancellationToken)).State);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                await store.IncrementAsync(Counter, "count", 2, static () => new CounterValue(0), TestContext.Current.CancellationToken);
            }
        })));
        SignalValue<CounterValue> counter = await store.GetAsync(Counter, static () => new CounterValue(0), TestContext.Current.CancellationToken);
        Assert.True(await store.DeleteAsync(Theme, TestContext.Current.CancellationToken));

        Assert.Equal(160, counter.Value.Count);
        Assert.Equal(1 + 80 + 1, await app.WithContextAsync(context => context.Outbox.CountAsync(TestContext.Current.CancellationToken)));
        Assert.Equal(counter.Version, (await HubAssert.WaitForVersionAsync(app.Hub, Counter, counter.Version)).Version);
        Assert.Null(await store.GetAsync(Theme, TestContext.Current.CancellationToken));
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private sealed record ThemeValue(string Mode, int Size);

    private sealed record CounterValue(long Count);
}
