using System.Text.Json;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// Functional updates of value signals on the EF Core store, on PostgreSQL and on a SQLite file: compare-and-set on the version
/// (<see cref="ISignalValueStore.TrySetAsync"/>) refuses a stale version and writes nothing, and <c>UpdateAsync</c> from 16 concurrent
/// updaters on two instances loses no update; stored data that is not the type (another writer's, an older shape) fails a typed read
/// or update with <see cref="SignalValueFormatException"/> and is left as it was.
/// </summary>
public sealed class ValueUpdateTests(PostgresServer server)
{
    private static readonly SignalKey Tally = SignalKey.Parse("demo:tally");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sixteen_concurrent_updaters_on_two_instances_lose_no_update_on_postgres()
    {
        string db = await TestDatabase.CreateAsync(server, "valueupdate");
        await using SignalsTestApp first = await SignalsTestApp.StartPostgresAsync(db);
        await using SignalsTestApp second = await SignalsTestApp.StartPostgresAsync(db);

        await AssertNoUpdateLostAsync(first, second, async () => (await TestDatabase.ReadOutboxAsync(db)).Count(r => r.Key == Tally.Value));
    }

    [Fact]
    public async Task Sixteen_concurrent_updaters_on_two_instances_lose_no_update_on_sqlite()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("valueupdate");
        await using SignalsTestApp first = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);
        await using SignalsTestApp second = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);

        await AssertNoUpdateLostAsync(first, second, async () => (await db.ReadOutboxAsync()).Count(r => r.Key == Tally.Value));
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_writes_nothing_on_postgres()
    {
        string db = await TestDatabase.CreateAsync(server, "valuecas");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db);

        await AssertCompareAndSetAsync(app, async () => (await TestDatabase.ReadOutboxAsync(db)).Count);
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_writes_nothing_on_sqlite()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("valuecas");
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);

        await AssertCompareAndSetAsync(app, async () => (await db.ReadOutboxAsync()).Count);
    }

    [Fact]
    public async Task A_delete_at_a_stale_version_is_refused_and_writes_nothing_on_postgres()
    {
        string db = await TestDatabase.CreateAsync(server, "valuecad");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db);

        await AssertCompareAndDeleteAsync(app, async () => (await TestDatabase.ReadOutboxAsync(db)).Count);
    }

    [Fact]
    public async Task A_delete_at_a_stale_version_is_refused_and_writes_nothing_on_sqlite()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("valuecad");
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);

        await AssertCompareAndDeleteAsync(app, async () => (await db.ReadOutboxAsync()).Count);
    }

    [Fact]
    public async Task A_delete_at_a_stale_version_is_refused_and_writes_nothing_on_the_in_memory_provider()
    {
        var root = new Microsoft.EntityFrameworkCore.Storage.InMemoryDatabaseRoot();
        await using SignalsTestApp app = await SignalsTestApp.StartInMemoryAsync("valuecad", root, Fast);

        await AssertCompareAndDeleteAsync(app, () => app.WithContextAsync(async context => await context.Outbox.CountAsync(Cancel)));
    }

    [Fact]
    public async Task Typed_reads_and_updates_of_stored_data_that_is_not_the_type_fail_clearly_and_write_nothing_on_postgres()
    {
        string db = await TestDatabase.CreateAsync(server, "valuebad");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db);

        await AssertBadStoredDataAsync(app, async () => (await TestDatabase.ReadOutboxAsync(db)).Count);
    }

    [Fact]
    public async Task Typed_reads_and_updates_of_stored_data_that_is_not_the_type_fail_clearly_and_write_nothing_on_sqlite()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("valuebad");
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, Fast);

        await AssertBadStoredDataAsync(app, async () => (await db.ReadOutboxAsync()).Count);
    }

    private static async Task AssertNoUpdateLostAsync(SignalsTestApp first, SignalsTestApp second, Func<Task<int>> outboxRowsOfTally)
    {
        ISignalValueStore[] stores = [first.Services.GetRequiredService<ISignalValueStore>(), second.Services.GetRequiredService<ISignalValueStore>()];
        Assert.IsType<EfCoreSignalStore<ChatDbContext>>(stores[0]);
        const int Updaters = 16;
        const int Each = 5;

        // Each updater appends its own marks to a list: a lost update would drop marks, which a counter could hide.
        await Task.WhenAll(Enumerable.Range(0, Updaters).Select(u => Task.Run(async () =>
        {
            for (int i = 0; i < Each; i++)
            {
                string mark = $"{u}.{i}";
                await stores[u % 2].UpdateAsync(Tally, static () => new TallyValue([]), current => current with { Marks = [.. current.Marks, mark] }, Cancel);
            }
        })));

        SignalValue<TallyValue> final = await stores[1].GetAsync(Tally, static () => new TallyValue([]), Cancel);
        Assert.Equal(Updaters * Each, final.Value.Marks.Length);
        Assert.Equal(
            Enumerable.Range(0, Updaters).SelectMany(u => Enumerable.Range(0, Each).Select(i => $"{u}.{i}")).Order(),
            final.Value.Marks.Order());
        Assert.Equal(Updaters * Each, await outboxRowsOfTally());
        await HubAssert.WaitForVersionAsync(first.Hub, Tally, final.Version);
        await HubAssert.WaitForVersionAsync(second.Hub, Tally, final.Version);
    }

    private static async Task AssertCompareAndSetAsync(SignalsTestApp app, Func<Task<int>> outboxRows)
    {
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();

        SignalValue<JsonElement>? created = await store.TrySetAsync(Tally, Json("""{"marks":["a"]}"""), 0, Cancel);
        Assert.NotNull(created);
        Assert.Null(await store.TrySetAsync(Tally, Json("""{"marks":["b"]}"""), 0, Cancel));
        Assert.Null(await store.TrySetAsync(Tally, Json("""{"marks":["b"]}"""), created.Version + 1000, Cancel));
        SignalValue<JsonElement>? updated = await store.TrySetAsync(Tally, Json("""{"marks":["a","c"]}"""), created.Version, Cancel);
        Assert.NotNull(updated);
        Assert.True(updated.Version > created.Version);
        Assert.Null(await store.TrySetAsync(Tally, Json("""{"marks":["d"]}"""), created.Version, Cancel));

        // The same value at the current version stores nothing new; a stale version still refuses it.
        SignalValue<JsonElement>? same = await store.TrySetAsync(Tally, Json("""{"marks":["a","c"]}"""), updated.Version, Cancel);
        Assert.Equal(updated.State, same!.State);

        SignalValue<JsonElement> stored = (await store.GetAsync(Tally, Cancel))!;
        Assert.Equal(updated.State, stored.State);
        Assert.Equal("""{"marks":["a","c"]}""", JsonSerializer.Serialize(stored.Value));
        Assert.Equal(2, await outboxRows());
        Assert.Equal(updated.Version, (await app.Hub.GetVersionAsync(Tally, Cancel)).Version);

        // After a delete, only "nothing stored" (0) matches again.
        Assert.True(await store.DeleteAsync(Tally, Cancel));
        Assert.Null(await store.TrySetAsync(Tally, Json("""{"marks":["e"]}"""), updated.Version, Cancel));
        Assert.NotNull(await store.TrySetAsync(Tally, Json("""{"marks":["e"]}"""), 0, Cancel));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.TrySetAsync(Tally, Json("{}"), -1, Cancel));
    }

    private static async Task AssertCompareAndDeleteAsync(SignalsTestApp app, Func<Task<int>> outboxRows)
    {
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();
        SignalValue<JsonElement> first = await store.SetAsync(Tally, Json("""{"marks":["a"]}"""), Cancel);
        SignalValue<JsonElement> second = await store.SetAsync(Tally, Json("""{"marks":["b"]}"""), Cancel);

        // A stale version, or "nothing stored": nothing is deleted and no outbox row is written.
        Assert.False(await store.TryDeleteAsync(Tally, first.Version, Cancel));
        Assert.False(await store.TryDeleteAsync(Tally, 0, Cancel));
        Assert.Equal(2, await outboxRows());
        Assert.Equal(second.State, (await store.GetAsync(Tally, Cancel))!.State);

        // The current version: deleted, with a new version every instance publishes.
        Assert.True(await store.TryDeleteAsync(Tally, second.Version, Cancel));
        Assert.Null(await store.GetAsync(Tally, Cancel));
        Assert.Equal(3, await outboxRows());
        Assert.True((await app.Hub.GetVersionAsync(Tally, Cancel)).Version > second.Version);

        // Nothing stored any more: no version matches.
        Assert.False(await store.TryDeleteAsync(Tally, second.Version, Cancel));
        Assert.Equal(3, await outboxRows());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.TryDeleteAsync(Tally, -1, Cancel));
    }

    private static async Task AssertBadStoredDataAsync(SignalsTestApp app, Func<Task<int>> outboxRows)
    {
        ISignalValueStore store = app.Services.GetRequiredService<ISignalValueStore>();
        SignalValue<JsonElement> stored = await store.SetAsync(Tally, Json("""{"marks":"not a list"}"""), Cancel);

        // The typed read names the key, its version, the type and where the JSON went wrong, instead of a bare JsonException.
        SignalValueFormatException read = await Assert.ThrowsAsync<SignalValueFormatException>(
            async () => await store.GetAsync(Tally, static () => new TallyValue([]), Cancel));
        Assert.Equal(Tally, read.Key);
        Assert.Equal(stored.State, read.State);
        Assert.Equal(typeof(TallyValue), read.ValueType);
        Assert.Contains($"'{Tally.Value}' (version {stored.Version})", read.Message, StringComparison.Ordinal);
        Assert.Contains("Path: $.marks", read.Message, StringComparison.Ordinal);

        SignalValueFormatException update = await Assert.ThrowsAsync<SignalValueFormatException>(
            async () => await store.UpdateAsync(Tally, static () => new TallyValue([]), static current => current with { Marks = [.. current.Marks, "x"] }, Cancel));
        Assert.Equal(stored.State, update.State);

        // Nothing was written: the data and its version are as they were, and no outbox row was added.
        SignalValue<JsonElement> after = (await store.GetAsync(Tally, Cancel))!;
        Assert.Equal(stored.State, after.State);
        Assert.Equal("""{"marks":"not a list"}""", JsonSerializer.Serialize(after.Value));
        Assert.Equal(1, await outboxRows());
    }

    private static void Fast(SignalsOutboxOptions options) => options.PollInterval = TimeSpan.FromMilliseconds(50);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private sealed record TallyValue(string[] Marks);
}
