using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// The sample's computed signal <c>chat:room-activity:{RoomId}</c> (<see cref="RoomActivity"/>, over a room's messages and participants)
/// across two instances on one database: it reaches sync and SSE on the instance that did not write, and a stream that resumes after
/// missing an input's change sees it moved.
/// </summary>
/// <param name="instances">The two instances.</param>
public abstract class ComputedSignalTests(TwoInstances instances)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_input_change_on_A_moves_the_computed_key_over_SSE_and_long_poll_sync_on_B()
    {
        string room = await CreateRoomAsync(instances.A, "Computed live");
        SignalKey activity = RoomActivity.Keys.RoomActivity(room);
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using SseClient onB = await SignalEvents.OpenAsync(instances.B.Http, [activity], deadline.Token);
        Task<HttpResponseMessage> longPoll = instances.B.Http.PostAsJsonAsync(
            "/signals/sync", new { known = new Dictionary<string, long> { [activity.Value] = 0 }, wait = 20_000 }, JsonSerializerOptions.Web, Cancel);

        await instances.A.JoinAsync(room, "ada");

        SignalEvents.SignalEvent streamed = await onB.NextSignalAsync();
        Assert.Equal(activity.Value, streamed.Key);
        Assert.True(streamed.Version > 0);
        using HttpResponseMessage synced = await longPoll.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        JsonObject json = (await synced.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
        Assert.True((long)json["changed"]![activity.Value]!["version"]! >= streamed.Version);

        // Another input of the same room moves it again, to a version above its input's (its own outbox row, drawn after the input's).
        await instances.A.PostMessageAsync(room, "hello");
        SignalEvents.SignalEvent again = await onB.NextSignalAsync();
        Assert.True(again.Version > streamed.Version, $"The computed key went from {streamed.Version} to {again.Version}.");
    }

    [Fact]
    public async Task A_stream_resumed_on_B_after_a_missed_input_change_sees_the_computed_key_changed()
    {
        string room = await CreateRoomAsync(instances.A, "Computed resume");
        SignalKey activity = RoomActivity.Keys.RoomActivity(room);
        using CancellationTokenSource deadline = TestDeadline.Start();
        long seenOnA;
        await using (SseClient onA = await SignalEvents.OpenAsync(instances.A.Http, [activity], deadline.Token))
        {
            await instances.A.JoinAsync(room, "ada");
            seenOnA = (await onA.NextSignalAsync()).Version;
        }

        // Away: a message (an input) changes; the client resumes on B with the last id it saw on A.
        await instances.A.PostMessageAsync(room, "while you were away");
        await using SseClient onB = await SignalEvents.OpenAsync(instances.B.Http, [activity], deadline.Token, lastEventId: seenOnA);
        SignalEvents.SignalEvent missed = await onB.NextSignalAsync();
        Assert.Equal(activity.Value, missed.Key);
        Assert.True(missed.Version > seenOnA, $"B replayed {missed.Version}, at or before the cursor {seenOnA}.");
    }

    [Fact]
    public async Task The_catalog_lists_the_computed_signal_with_its_inputs()
    {
        JsonObject catalog = (await instances.B.Http.GetFromJsonAsync<JsonObject>("/signals/catalog", Cancel))!;

        JsonNode entry = catalog["signals"]!.AsArray().Single(s => (string)s!["pattern"]! == "chat:room-activity:{RoomId}")!;
        Assert.Equal("computed", (string)entry["kind"]!);
        Assert.Equal(["chat:room:{RoomId}", "chat:participants:{RoomId}"], entry["inputs"]!.AsArray().Select(i => (string)i!));
    }

    [Fact]
    public async Task Three_EF_Core_writes_of_one_transaction_move_the_computed_key_once()
    {
        string room = await CreateRoomAsync(instances.A, "Computed EF Core transaction");
        SignalKey activity = RoomActivity.Keys.RoomActivity(room);
        int before = await OutboxRowCountAsync(activity);
        int messagesBefore = await OutboxRowCountAsync(ChatMessage.Keys.Room(room));

        await using (AsyncServiceScope scope = instances.A.Services.CreateAsyncScope())
        {
            // The sample captures every table, so its saves are the triggers' writes: these are the writes EF Core makes itself.
            ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            await db.InvalidateSignalsAsync([ChatMessage.Keys.Room(room)], Cancel);
            await db.InvalidateSignalsAsync([Participant.Keys.Participants(room)], Cancel);
            await db.InvalidateSignalsAsync([ChatMessage.Keys.Room(room), Participant.Keys.Participants(room)], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        // The computed key once; its inputs once per write.
        Assert.Equal(before + 1, await OutboxRowCountAsync(activity));
        Assert.Equal(messagesBefore + 2, await OutboxRowCountAsync(ChatMessage.Keys.Room(room)));
    }

    [Fact]
    public async Task An_invalidation_and_two_captured_saves_of_one_transaction_move_the_computed_key_as_the_provider_promises()
    {
        string room = await CreateRoomAsync(instances.A, "Computed transaction");
        SignalKey activity = RoomActivity.Keys.RoomActivity(room);
        int before = await OutboxRowCountAsync(activity);

        await using (AsyncServiceScope scope = instances.A.Services.CreateAsyncScope())
        {
            ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            await db.InvalidateSignalsAsync([ChatMessage.Keys.Room(room)], Cancel);
            db.Participants.Add(new Participant { RoomId = room, Id = "tab-1", Name = "ada", JoinedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Cancel);
            db.Messages.Add(new ChatMessage { RoomId = room, Author = "ada", Text = "one transaction", SentAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Cancel);
            await transaction.CommitAsync(Cancel);
        }

        // PostgreSQL: the invalidation records the transaction's floor, and the capture triggers of both saves find its computed row
        // above it. SQLite: the invalidation once, then each captured row once.
        Assert.Equal(before + MovesOfAnInvalidationAndTwoCapturedSaves, await OutboxRowCountAsync(activity));
    }

    /// <summary>
    /// Gets how many times an <c>InvalidateSignalsAsync</c> and two captured saves of one row each, in one transaction, move the computed
    /// key: once on PostgreSQL; three times on SQLite, whose row triggers move it once per row (they run in SQL, where SQLite has no
    /// transaction identity), after the invalidation (docs/declaring-signals.md, "Once per transaction").
    /// </summary>
    private protected abstract int MovesOfAnInvalidationAndTwoCapturedSaves { get; }

    private static Task<string> CreateRoomAsync(ChatInstance instance, string prefix) => instance.CreateRoomAsync($"{prefix} {Guid.NewGuid():N}");

    private async Task<int> OutboxRowCountAsync(SignalKey key)
    {
        await using AsyncServiceScope scope = instances.A.Services.CreateAsyncScope();
        ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        return await db.Set<Signals.EntityFrameworkCore.SignalOutboxEntry>().CountAsync(e => e.Key == key.Value, Cancel);
    }
}

/// <summary>The computed signal across instances on PostgreSQL (<c>LISTEN/NOTIFY</c>).</summary>
/// <param name="instances">Two instances on one PostgreSQL database.</param>
public sealed class ComputedSignalOnPostgreSqlTests(PostgreSqlTwoInstances instances) : ComputedSignalTests(instances), IClassFixture<PostgreSqlTwoInstances>
{
    private protected override int MovesOfAnInvalidationAndTwoCapturedSaves => 1;
}

/// <summary>The computed signal across instances on one SQLite file (each instance's polling dispatcher).</summary>
/// <param name="instances">Two instances on one SQLite file.</param>
public sealed class ComputedSignalOnSqliteTests(SqliteTwoInstances instances) : ComputedSignalTests(instances), IClassFixture<SqliteTwoInstances>
{
    private protected override int MovesOfAnInvalidationAndTwoCapturedSaves => 3;
}
