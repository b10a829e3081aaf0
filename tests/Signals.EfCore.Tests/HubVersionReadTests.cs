using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The bounded hub on real databases: it starts holding no key, reads the versions of keys it does not hold in one query (compacted
/// state and outbox, the latest of both), and a stateless instance (no dispatcher) answers from the database after writes made through
/// another instance, on PostgreSQL and on a SQLite file.
/// </summary>
public sealed class HubVersionReadTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostgreSQL_start_holds_no_key_and_a_thousand_cold_keys_are_one_query()
    {
        string db = await TestDatabase.CreateAsync(server, "coldkeys");
        await TestDatabase.ExecuteAsync(db, """
            INSERT INTO signals_state (key, version, hash, updated_at) SELECT 'chat:room:s' || i, i, 'h' || i, now() FROM generate_series(1, 20000) i;
            SELECT setval('signals_outbox_id_seq', 20000);
            INSERT INTO signals_outbox (key, created_at) SELECT 'chat:room:o' || (i % 300), now() FROM generate_series(1, 3000) i;
            INSERT INTO signals_outbox (key, created_at) SELECT 'chat:room:s' || i, now() FROM generate_series(1, 100) i;
            ANALYZE;
            """);
        // The read is Signals' own Npgsql command, which EF Core's interceptors do not see: Npgsql's own count of operations.
        using var operations = new NpgsqlOperationLog();
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll);
        await app.WaitForHealthAsync(HealthStatus.Healthy);
        Assert.Equal(0, app.Hub.HeldKeyCount);

        using (operations.Watch())
        {
            await AssertThousandColdKeysAreOneQueryAsync(app, () => operations.Count, () => TestDatabase.CreateContext(db));
        }
    }

    [Fact]
    public async Task SQLite_start_holds_no_key_and_a_thousand_cold_keys_are_one_query()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("coldkeys");
        ChatDbContext seed = db.CreateContext();
        await using (seed)
        {
            seed.Set<SignalStateEntry>().AddRange(Enumerable.Range(1, 2000).Select(i =>
                new SignalStateEntry { Key = $"chat:room:s{i}", Version = i, Hash = $"h{i}", UpdatedAt = DateTimeOffset.UtcNow }));
            await seed.SaveChangesAsync(Cancel);
            await seed.Database.ExecuteSqlRawAsync("INSERT INTO sqlite_sequence (name, seq) VALUES ('signals_outbox', 2000)", Cancel);
            seed.Set<SignalOutboxEntry>().AddRange(Enumerable.Range(1, 3000).Select(i => new SignalOutboxEntry { Key = $"chat:room:o{i % 300}", CreatedAt = DateTimeOffset.UtcNow }));
            seed.Set<SignalOutboxEntry>().AddRange(Enumerable.Range(1, 100).Select(i => new SignalOutboxEntry { Key = $"chat:room:s{i}", CreatedAt = DateTimeOffset.UtcNow }));
            await seed.SaveChangesAsync(Cancel);
        }

        var log = new CommandLog();
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, [log], SignalsTestApp.NoSafetyPoll);
        await app.WaitForHealthAsync(HealthStatus.Healthy);
        Assert.Equal(0, app.Hub.HeldKeyCount);

        await AssertThousandColdKeysAreOneQueryAsync(app, () => log.Commands.Count, db.CreateContext);
        Assert.Single(log.Commands, c => c.Contains("signals_state", StringComparison.Ordinal) && c.Contains("signals_outbox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostgreSQL_stateless_instance_answers_from_the_database_after_another_instance_writes()
    {
        string db = await TestDatabase.CreateAsync(server, "stateless");
        await using SignalsTestApp writer = await SignalsTestApp.StartPostgresAsync(db);
        await using SignalsTestApp stateless = await SignalsTestApp.StartPostgresAsync(db, o =>
        {
            o.Stateless = true;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });

        await AssertStatelessAnswersAsync(writer, stateless, () => TestDatabase.ReadOutboxAsync(db));
    }

    [Fact]
    public async Task SQLite_stateless_instance_answers_from_the_database_after_another_instance_writes()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("stateless");
        await using SignalsTestApp writer = await SignalsTestApp.StartSqliteAsync(db.ConnectionString);
        await using SignalsTestApp stateless = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, o =>
        {
            o.Stateless = true;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });

        await AssertStatelessAnswersAsync(writer, stateless, db.ReadOutboxAsync);
    }

    private static async Task AssertThousandColdKeysAreOneQueryAsync(SignalsTestApp app, Func<int> roundTrips, Func<ChatDbContext> createContext)
    {
        // 300 keys with outbox rows only, 100 compacted with a newer outbox row, 300 compacted only, 300 that never changed.
        SignalKey[] keys =
        [
            .. Enumerable.Range(0, 300).Select(i => SignalKey.Parse($"chat:room:o{i}")),
            .. Enumerable.Range(1, 400).Select(i => SignalKey.Parse($"chat:room:s{i}")),
            .. Enumerable.Range(0, 300).Select(i => SignalKey.Parse($"chat:room:never{i}")),
        ];
        int before = roundTrips();

        SignalVersion[] versions = await app.Hub.GetVersionsAsync(keys, Cancel);

        Assert.Equal(before + 1, roundTrips());

        List<SignalOutboxEntry> outbox;
        Dictionary<string, long> state;
        await using (ChatDbContext context = createContext())
        {
            outbox = await context.Set<SignalOutboxEntry>().AsNoTracking().ToListAsync(Cancel);
            state = await context.Set<SignalStateEntry>().AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Version, Cancel);
        }

        for (int i = 0; i < keys.Length; i++)
        {
            string key = keys[i].Value;
            long expected = Math.Max(
                state.GetValueOrDefault(key),
                outbox.Where(r => r.Key == key).Select(r => r.Id).DefaultIfEmpty(0).Max());
            Assert.Equal(keys[i], versions[i].Key);
            Assert.Equal(expected, versions[i].Version);
        }

        Assert.Contains(versions, v => v.Version > 0 && v.Hash is not null);
        Assert.Equal(300, versions.Count(v => v.Version == 0));

        // Held now (asked for recently): the same keys again are no query at all.
        int after = roundTrips();
        Assert.Equal(versions, await app.Hub.GetVersionsAsync(keys, Cancel));
        Assert.Equal(after, roundTrips());
    }

    private static async Task AssertStatelessAnswersAsync(SignalsTestApp writer, SignalsTestApp stateless, Func<Task<List<SignalOutboxEntry>>> readOutbox)
    {
        SignalKey room = ChatMessage.Room("stateless");
        HealthReport health = await stateless.WaitForHealthAsync(HealthStatus.Healthy);
        Assert.Equal("stateless", health.Entries[SignalsHealthChecksBuilderExtensions.DefaultName].Data[$"{nameof(ChatDbContext)}.dispatcher"]);
        Assert.Equal(0, (await stateless.Hub.GetVersionsAsync([room], Cancel))[0].Version);

        await SaveMessageAsync(writer, room);
        long first = (await readOutbox()).Where(r => r.Key == room.Value).Max(r => r.Id);
        Assert.Equal(first, (await stateless.Hub.GetVersionsAsync([room], Cancel))[0].Version);

        // The long-poll: it reads again until the other instance's next write is committed.
        Task<bool> waiting = stateless.Hub.WaitForChangeAsync(new Dictionary<SignalKey, long> { [room] = first }, TimeSpan.FromSeconds(20), Cancel).AsTask();
        await Task.Delay(300, Cancel);
        Assert.False(waiting.IsCompleted);
        await SaveMessageAsync(writer, room);
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(15), Cancel));
        long second = (await readOutbox()).Where(r => r.Key == room.Value).Max(r => r.Id);
        Assert.True(second > first);
        Assert.Equal(second, (await stateless.Hub.GetVersionAsync(room, Cancel)).Version);

        // Nothing is held between requests, and nothing was dispatched into the stateless hub.
        Assert.Equal(0, stateless.Hub.HeldKeyCount);
        Assert.False(stateless.Hub.TryGetHeldVersion(room, out _));
        Assert.True(stateless.Hub.IsStateless);
        Assert.Equal(0, stateless.Hub.Cursor);
    }

    private static async Task SaveMessageAsync(SignalsTestApp app, SignalKey room)
        => await app.WithContextAsync(context =>
        {
            context.Messages.Add(new ChatMessage { RoomId = room.Value["chat:room:".Length..], Text = "hi" });
            return context.SaveChangesAsync(Cancel);
        });
}
