using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signals.EntityFrameworkCore.Tests.Infrastructure;
using Signals.EntityFrameworkCore.Tests.Model;
using Signals.Testing;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// Namespaces mapped to the instance-local in-memory store beside the EF Core outbox, on a real PostgreSQL and a real SQLite file: a
/// save that would stage one of their keys fails with nothing written, <c>InvalidateSignalsAsync</c> hands their keys to the in-memory
/// store, and their writes never reach the database.
/// </summary>
/// <param name="postgres">The assembly's PostgreSQL server.</param>
public sealed class LocalNamespaceTests(PostgresServer postgres)
{
    private static readonly SignalKey Typing = SignalKey.Parse("presence:typing:general");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_save_whose_entity_has_a_key_of_an_in_memory_namespace_fails_on_PostgreSQL_and_writes_nothing()
    {
        string connectionString = await TestDatabase.CreateAsync(postgres, "local_save");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(connectionString, MapConfigAndPresence);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => app.WithContextAsync(db => SaveAsync(db, new Setting { Name = "theme", Value = "dark" })));

        Assert.Contains("'config:setting:theme'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(connectionString, "SELECT count(*) FROM \"Settings\""));
        Assert.Empty(await TestDatabase.ReadOutboxAsync(connectionString));

        // Keys of other namespaces save as always.
        await app.WithContextAsync(db => SaveAsync(db, new ChatMessage { RoomId = "general", Text = "hi" }));
        Assert.Equal(["chat:chat-message", "chat:room:general"], await TestDatabase.ReadOutboxKeysAsync(connectionString));
    }

    [Fact]
    public async Task A_save_whose_entity_has_a_key_of_an_in_memory_namespace_fails_on_a_SQLite_file_and_writes_nothing()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("localsave");
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, MapConfigAndPresence);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => app.WithContextAsync(context => SaveAsync(context, new Setting { Name = "theme", Value = "dark" })));

        Assert.Contains("'config:setting:theme'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM \"Settings\""));
        Assert.Empty(await db.ReadOutboxAsync());
    }

    [Fact]
    public async Task InvalidateSignalsAsync_sends_in_memory_keys_to_their_store_and_the_others_to_the_outbox()
    {
        string connectionString = await TestDatabase.CreateAsync(postgres, "local_invalidate");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(connectionString, MapConfigAndPresence);
        SignalKey room = ChatMessage.Room("general");
        using SignalSubscription watching = await app.Hub.SubscribeAsync([room, Typing], cancellationToken: Cancel);

        await app.WithContextAsync(db => db.InvalidateSignalsAsync([room, Typing], Cancel));

        Assert.Equal(["chat:room:general"], await TestDatabase.ReadOutboxKeysAsync(connectionString));
        SignalVersion typing = await app.Hub.GetVersionAsync(Typing, Cancel);
        Assert.True(typing.Version > 1_000_000_000_000_000, $"The local version {typing.Version} is not on the clock line.");
        long outboxId = (await TestDatabase.ReadOutboxAsync(connectionString)).Single().Id;
        SignalVersion delivered = await HubAssert.WaitForVersionAsync(app.Hub, room, outboxId);
        Assert.Equal(outboxId, delivered.Version);
        Assert.Equal(outboxId, app.Hub.Cursor);
    }

    [Fact]
    public async Task Writes_of_an_in_memory_namespace_leave_the_SQLite_file_untouched()
    {
        using SqliteTestDatabase db = await SqliteTestDatabase.CreateAsync("localwrites");
        await using SignalsTestApp app = await SignalsTestApp.StartSqliteAsync(db.ConnectionString, MapConfigAndPresence);
        var store = app.Services.GetRequiredService<ISignalStore>();
        var values = app.Services.GetRequiredService<ISignalValueStore>();
        await store.InvalidateAsync([ChatMessage.Room("general")], Cancel); // one outbox row, so the sequence exists
        long sequence = await db.ScalarAsync<long>("SELECT seq FROM sqlite_sequence WHERE name = 'signals_outbox'");

        await store.InvalidateAsync([Typing, SignalKey.Parse("presence:typing:other")], Cancel);
        SignalValue<JsonElement> set = await values.SetAsync(Typing, JsonSerializer.SerializeToElement(new { count = 1 }), Cancel);
        SignalValue<JsonElement> incremented = await values.IncrementAsync(Typing, "count", 2, JsonSerializer.SerializeToElement(new { count = 0 }), Cancel);
        Assert.Null(await values.TrySetAsync(Typing, JsonSerializer.SerializeToElement(new { count = 9 }), expectedVersion: set.Version, Cancel));
        Assert.True(await values.DeleteAsync(Typing, Cancel));

        Assert.Equal(3, incremented.Value.GetProperty("count").GetInt64());
        Assert.Equal(sequence, await db.ScalarAsync<long>("SELECT seq FROM sqlite_sequence WHERE name = 'signals_outbox'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM signals_outbox WHERE key LIKE 'presence:%'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM signals_values"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM signals_state"));
        Assert.Equal(1, app.Hub.Cursor);
    }

    /// <summary>Declares the test model's namespaces and one of presence, and maps <c>config</c> and <c>presence</c> in memory.</summary>
    private static void MapConfigAndPresence(IServiceCollection services)
    {
        services.AddSingleton(new SignalCatalog([
            new SignalDescriptor("chat:chat-message", "Tests.ChatMessage", SignalKind.Signal),
            new SignalDescriptor("chat:room:{RoomId}", "Tests.ChatMessage", SignalKind.Family),
            new SignalDescriptor("config:setting:{Name}", "Tests.Setting", SignalKind.Family),
            new SignalDescriptor("presence:typing:{RoomId}", "Tests.Typing", SignalKind.Value),
        ]));
        services.AddSignals()
            .MapNamespace("config", ns => ns.UseInMemory())
            .MapNamespace("presence", ns => ns.UseInMemory());
    }

    private static async Task SaveAsync(ChatDbContext db, object entity)
    {
        db.Add(entity);
        await db.SaveChangesAsync(Cancel);
    }
}
