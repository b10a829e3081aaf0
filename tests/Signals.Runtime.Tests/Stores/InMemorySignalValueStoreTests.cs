using System.Text.Json;

namespace Signals.Runtime.Tests.Stores;

public class InMemorySignalValueStoreTests
{
    private static readonly SignalKey Theme = SignalKey.Parse("app:theme");
    private static readonly SignalKey Counter = SignalKey.Parse("demo:counter");

    [Fact]
    public async Task Set_stores_the_value_with_its_hash_and_publishes_the_version()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;

        SignalValue<ThemeValue> set = await store.SetAsync(Theme, new ThemeValue("light"), ct);
        SignalValue<ThemeValue> read = await store.GetAsync(Theme, static () => new ThemeValue("dark"), ct);

        Assert.Equal(new ThemeValue("light"), read.Value);
        Assert.Equal(1, set.Version);
        Assert.Equal(set.State, read.State);
        Assert.Equal(set.State, await hub.GetVersionAsync(Theme, TestContext.Current.CancellationToken));
        Assert.Matches("^[0-9a-f]{16}$", set.State.Hash);
    }

    [Fact]
    public async Task Setting_an_equal_value_bumps_nothing_whatever_its_whitespace()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;

        SignalValue<JsonElement> first = await store.SetAsync(Theme, JsonDocument.Parse("""{"mode":"light"}""").RootElement, ct);
        SignalValue<JsonElement> again = await store.SetAsync(Theme, JsonDocument.Parse("""{ "mode" : "light" }""").RootElement, ct);
        SignalValue<JsonElement> changed = await store.SetAsync(Theme, JsonDocument.Parse("""{"mode":"dark"}""").RootElement, ct);

        Assert.Equal(first.State, again.State);
        Assert.Equal(2, changed.Version);
        Assert.NotEqual(first.State.Hash, changed.State.Hash);
    }

    [Fact]
    public async Task Get_of_an_unset_key_returns_the_default_at_version_zero()
    {
        var store = new InMemorySignalStore(new SignalHub(), TimeProvider.System);

        SignalValue<ThemeValue> read = await store.GetAsync(Theme, static () => new ThemeValue("dark"), TestContext.Current.CancellationToken);

        Assert.Equal(new ThemeValue("dark"), read.Value);
        Assert.Equal(SignalVersion.Initial(Theme), read.State);
    }

    [Fact]
    public async Task Concurrent_increments_never_lose_one()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;

        await Parallel.ForAsync(0, 200, ct, async (i, token) =>
            await store.IncrementAsync(Counter, "count", i % 2 == 0 ? 3 : -1, static () => new CounterValue(0), token));

        SignalValue<CounterValue> read = await store.GetAsync(Counter, static () => new CounterValue(0), ct);
        Assert.Equal(200, read.Value.Count);
        Assert.Equal(200, read.Version);
    }

    [Fact]
    public async Task Increment_of_a_non_integer_property_throws_and_changes_nothing()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await store.SetAsync(Theme, new ThemeValue("light"), ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.IncrementAsync(Theme, "mode", 1, static () => new ThemeValue("dark"), ct).AsTask());

        Assert.Contains("'app:theme' is not an object with an integer property 'mode'", error.Message, StringComparison.Ordinal);
        Assert.Equal(new ThemeValue("light"), (await store.GetAsync(Theme, static () => new ThemeValue("dark"), ct)).Value);
        Assert.Equal(1, hub.Cursor);
    }

    [Fact]
    public async Task Delete_bumps_the_version_once_and_restores_the_default()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await store.SetAsync(Theme, new ThemeValue("light"), ct);

        Assert.True(await store.DeleteAsync(Theme, ct));
        Assert.False(await store.DeleteAsync(Theme, ct));

        Assert.Null(await store.GetAsync(Theme, ct));
        Assert.Equal(2, (await hub.GetVersionAsync(Theme, TestContext.Current.CancellationToken)).Version);
        Assert.Null((await hub.GetVersionAsync(Theme, TestContext.Current.CancellationToken)).Hash);
    }

    [Fact]
    public async Task Versions_of_values_and_invalidations_share_one_counter()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;

        await store.InvalidateAsync([Counter], ct);
        SignalValue<ThemeValue> set = await store.SetAsync(Theme, new ThemeValue("light"), ct);
        IReadOnlyList<SignalVersion> invalidated = await store.InvalidateAsync([Theme], ct);

        Assert.Equal(2, set.Version);
        Assert.Equal(3, invalidated[0].Version);
        Assert.Equal(set.State.Hash, invalidated[0].Hash);
    }

    [Fact]
    public async Task Every_value_operation_rejects_a_default_key_and_changes_nothing()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;
        JsonElement value = JsonDocument.Parse("""{"count":1}""").RootElement;

        await Assert.ThrowsAsync<ArgumentException>("key", () => store.GetAsync(default, ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("key", () => store.SetAsync(default, value, ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("key", () => store.IncrementAsync(default, "count", 1, value, ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("key", () => store.DeleteAsync(default, ct).AsTask());

        Assert.Equal(0, hub.Cursor);
    }

    private sealed record ThemeValue(string Mode);

    private sealed record CounterValue(long Count);

    [Fact]
    public async Task Try_set_stores_only_at_the_expected_version_and_update_loses_nothing_under_concurrency()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;
        SignalKey key = SignalKey.Parse("demo:tally");

        SignalValue<JsonElement>? created = await store.TrySetAsync(key, JsonDocument.Parse("[]").RootElement, 0, ct);
        Assert.NotNull(created);
        Assert.Null(await store.TrySetAsync(key, JsonDocument.Parse("[1]").RootElement, 0, ct));
        Assert.Equal(created.Version, hub.Cursor);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(u => Task.Run(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                int mark = (u * 10) + i;
                await store.UpdateAsync<int[]>(key, static () => [], current => [.. current, mark], ct);
            }
        })));

        SignalValue<int[]> final = await store.GetAsync<int[]>(key, static () => [], ct);
        Assert.Equal(Enumerable.Range(0, 16).SelectMany(u => Enumerable.Range(0, 5).Select(i => (u * 10) + i)).Order(), final.Value.Order());
        Assert.Equal(created.Version + 80, final.Version);
    }
}
