using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// The whole path on real components: a save through EF Core on instance A, committed to the shared database, dispatched to instance B
/// (PostgreSQL: LISTEN/NOTIFY; SQLite: B's polling dispatcher), and seen by a real SSE client and the sync endpoint of B.
/// </summary>
/// <param name="instances">The two instances.</param>
public abstract partial class ChatEndToEndTests(TwoInstances instances)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // A generous bound for a stream's reads: it catches a change that never arrives, not a slow machine. Latency is measured in bench/.
    private static CancellationTokenSource Deadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        return deadline;
    }

    [Fact]
    public async Task Message_posted_on_A_reaches_an_SSE_subscriber_on_B_and_sync_on_B_reports_it()
    {
        string room = await CreateRoomAsync("lobby");
        SignalKey key = ChatMessage.Keys.Room(room);
        using CancellationTokenSource deadline = Deadline();
        await using SseClient events = await SignalEvents.OpenAsync(instances.B.Http, [key], deadline.Token);

        HttpResponseMessage posted = await instances.A.Http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { author = "ada", text = "hello from A" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        SignalEvents.SignalEvent signal = await events.NextSignalAsync();
        Assert.Equal(key.Value, signal.Key);
        Assert.Equal(await OutboxVersionAsync(key), signal.Version);

        JsonObject bare = await SyncAsync(instances.B, new { known = new Dictionary<string, long> { [key.Value] = 0 } });
        Assert.Equal(signal.Version, (long)bare["changed"]![key.Value]!["version"]!);
        Assert.Equal("app-b", (string)bare["changed"]![key.Value]!["source"]!);

        JsonObject reality = await SyncAsync(instances.B, new
        {
            known = new Dictionary<string, long> { [key.Value] = signal.Version },
            clientId = Guid.NewGuid(),
            mode = "native",
            hint = "mount",
            timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });
        Assert.Empty(reality["changed"]!.AsObject());
        Assert.True((long)reality["mesh"]!["serverVersion"]! >= signal.Version);

        string messages = await instances.B.Http.GetStringAsync($"/api/rooms/{room}/messages", Cancel);
        Assert.Contains("hello from A", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rolled_back_save_reaches_nobody()
    {
        string room = await CreateRoomAsync("quiet");
        SignalKey key = ChatMessage.Keys.Room(room);
        using CancellationTokenSource deadline = Deadline();
        await using SseClient events = await SignalEvents.OpenAsync(instances.B.Http, [key], deadline.Token);

        await using (AsyncServiceScope scope = instances.A.Services.CreateAsyncScope())
        {
            ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            db.Messages.Add(new ChatMessage { RoomId = room, Author = "ghost", Text = "never happened", SentAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        // A committed change to the same key afterwards: the first event B sees for the key must be this one, not the rolled-back one.
        HttpResponseMessage posted = await instances.A.Http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { author = "ada", text = "this one counts" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        SignalEvents.SignalEvent signal = await events.NextSignalAsync();
        Assert.Equal(key.Value, signal.Key);
        Assert.Equal(await OutboxVersionAsync(key), signal.Version);
        Assert.Equal(1, await OutboxRowCountAsync(key));
        string messages = await instances.B.Http.GetStringAsync($"/api/rooms/{room}/messages", Cancel);
        Assert.DoesNotContain("never happened", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_a_message_between_rooms_bumps_both_rooms()
    {
        string from = await CreateRoomAsync("from");
        string to = await CreateRoomAsync("to");
        SignalKey fromKey = ChatMessage.Keys.Room(from);
        SignalKey toKey = ChatMessage.Keys.Room(to);
        HttpResponseMessage posted = await instances.A.Http.PostAsJsonAsync($"/api/rooms/{from}/messages", new { author = "ada", text = "wrong room" }, Cancel);
        long id = (await posted.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["id"]!.GetValue<long>();
        long before = await OutboxVersionAsync(fromKey);
        using CancellationTokenSource deadline = Deadline();
        await using SseClient events = await SignalEvents.OpenAsync(instances.B.Http, [fromKey, toKey], deadline.Token, lastEventId: before);

        HttpResponseMessage moved = await instances.A.Http.PostAsJsonAsync($"/api/messages/{id}/move", new { roomId = to }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, moved.StatusCode);

        long fromVersion = await OutboxVersionAsync(fromKey);
        long toVersion = await OutboxVersionAsync(toKey);
        Assert.True(fromVersion > before, "the room the message left is bumped");
        Assert.True(toVersion > before, "the room the message joined is bumped");
        var seen = new Dictionary<string, long>();
        while (seen.Count < 2)
        {
            SignalEvents.SignalEvent signal = await events.NextSignalAsync();
            Assert.True(signal.Version > before, "a resumed stream sends only versions after Last-Event-ID");
            seen[signal.Key] = signal.Version;
        }

        Assert.Equal(fromVersion, seen[fromKey.Value]);
        Assert.Equal(toVersion, seen[toKey.Value]);
    }

    private async Task<string> CreateRoomAsync(string prefix)
    {
        string id = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        await using AsyncServiceScope scope = instances.A.Services.CreateAsyncScope();
        ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        db.Rooms.Add(new Room { Id = id, Name = prefix });
        await db.SaveChangesAsync(Cancel);
        return id;
    }

    private async Task<long> OutboxVersionAsync(SignalKey key)
    {
        await using AsyncServiceScope scope = instances.A.Services.CreateAsyncScope();
        ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        return await db.Set<Signals.EntityFrameworkCore.SignalOutboxEntry>().Where(e => e.Key == key.Value).MaxAsync(e => (long?)e.Id, Cancel) ?? 0;
    }

    private async Task<int> OutboxRowCountAsync(SignalKey key)
    {
        await using AsyncServiceScope scope = instances.A.Services.CreateAsyncScope();
        ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        return await db.Set<Signals.EntityFrameworkCore.SignalOutboxEntry>().CountAsync(e => e.Key == key.Value, Cancel);
    }

    private static async Task<JsonObject> SyncAsync(ChatInstance instance, object body)
    {
        HttpResponseMessage response = await instance.Http.PostAsJsonAsync("/signals/sync", body, JsonSerializerOptions.Web, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
    }
}

/// <summary>The end-to-end path on PostgreSQL.</summary>
/// <param name="instances">Two instances on one PostgreSQL database.</param>
public sealed class ChatEndToEndOnPostgreSqlTests(PostgreSqlTwoInstances instances) : ChatEndToEndTests(instances), IClassFixture<PostgreSqlTwoInstances>;

/// <summary>The end-to-end path on the sample's default, a SQLite file.</summary>
/// <param name="instances">Two instances on one SQLite file.</param>
public sealed class ChatEndToEndOnSqliteTests(SqliteTwoInstances instances) : ChatEndToEndTests(instances), IClassFixture<SqliteTwoInstances>;
