using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Signals.Protocol;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// Issue 14's bad input, "a cursor from another deployment": two deployments of the chat sample on real Kestrel, each on a database of
/// its own, whose version lines overlap (both count from 1). A cursor or an SSE event id that one handed out, presented to the other,
/// falls inside the other's range of versions; it must get a reset and the current versions, never an answer counted from its numbers.
/// </summary>
/// <param name="deployments">The two deployments.</param>
public abstract class DeploymentEpochTests(TwoDeployments deployments)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cursor_form_cursor_of_another_deployment_gets_a_reset_with_the_current_versions()
    {
        (SignalKey xKey, _) = await ChangeRoomAsync(deployments.X, "x");
        string foreign = (string)(await PostChangesAsync(deployments.X, new { keys = new[] { xKey.Value } }))["cursor"]!;
        Assert.NotNull(SseEventId.Epoch(foreign));

        (SignalKey yKey, string own) = await CatchUpAsync(deployments.Y, SseEventId.Highest(foreign));
        long current = await SettledVersionAsync(deployments.Y, yKey);
        Assert.NotEqual(SseEventId.Epoch(foreign), SseEventId.Epoch(own));

        JsonObject reset = await PostChangesAsync(deployments.Y, new { keys = new[] { yKey.Value }, cursor = foreign });
        Assert.True((bool)reset["reset"]!);
        Assert.Equal(current, (long)reset["changed"]![yKey.Value]!["version"]!);
        Assert.Equal(SseEventId.Epoch(own), SseEventId.Epoch((string)reset["cursor"]!));

        // The same numbers with this deployment's epoch are answered from the cursor: the epoch alone made the reset.
        string ours = $"{SseEventId.Numbers(foreign)}.{SseEventId.Epoch(own)}";
        JsonObject answered = await PostChangesAsync(deployments.Y, new { keys = new[] { yKey.Value }, cursor = ours });
        Assert.Null(answered["reset"]);

        // A cursor without an epoch (handed out before epochs) is taken as this deployment's, as before.
        JsonObject bare = await PostChangesAsync(deployments.Y, new { keys = new[] { yKey.Value }, cursor = SseEventId.Numbers(own) });
        Assert.Null(bare["reset"]);
        Assert.Equal(SseEventId.Epoch(own), SseEventId.Epoch((string)bare["cursor"]!));
    }

    [Fact]
    public async Task Event_id_of_another_deployment_gets_event_reset_then_the_current_versions()
    {
        (SignalKey xKey, string xRoom) = await ChangeRoomAsync(deployments.X, "x");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        string foreign;
        await using (SseClient x = await SignalEvents.OpenAsync(deployments.X.Http, [xKey], deadline.Token))
        {
            await PostMessageAsync(deployments.X, xRoom);
            foreign = (await NextOfTypeAsync(x, SignalEvent.DefaultEventType)).EventId!;
        }

        Assert.NotNull(SseEventId.Epoch(foreign));
        (SignalKey yKey, string own) = await CatchUpAsync(deployments.Y, SseEventId.Highest(foreign));
        long current = await SettledVersionAsync(deployments.Y, yKey);

        await using (SseClient y = await SseClient.OpenAsync(deployments.Y.Http, $"/signals/events?key={Uri.EscapeDataString(yKey.Value)}", deadline.Token, foreign))
        {
            SseItem<string> first = await y.NextAsync();
            Assert.Equal(SignalEvent.ResetEventType, first.EventType);
            SseItem<string> state = await NextOfTypeAsync(y, SignalEvent.DefaultEventType);
            Assert.Equal(current, JsonSerializer.Deserialize<SignalEvents.SignalEvent>(state.Data, JsonSerializerOptions.Web)!.Version);
            Assert.Equal(SseEventId.Epoch(own), SseEventId.Epoch(state.EventId!));
        }

        // This deployment's own id resumes without a reset, up to the next change (the current version may come again first: the id's
        // resume cursor can be below it while it settles).
        await using (SseClient y = await SseClient.OpenAsync(deployments.Y.Http, $"/signals/events?key={Uri.EscapeDataString(yKey.Value)}", deadline.Token, own))
        {
            string yRoom = yKey.Value[(yKey.Value.LastIndexOf(':') + 1)..];
            await PostMessageAsync(deployments.Y, yRoom);
            long version;
            do
            {
                SseItem<string> next = await y.NextAsync();
                Assert.Equal(SignalEvent.DefaultEventType, next.EventType);
                version = JsonSerializer.Deserialize<SignalEvents.SignalEvent>(next.Data, JsonSerializerOptions.Web)!.Version;
                Assert.InRange(version, current, long.MaxValue);
            }
            while (version == current);
        }
    }

    /// <summary>Creates a room on a deployment and posts a message to it: its key now has a version.</summary>
    private static async Task<(SignalKey Key, string Room)> ChangeRoomAsync(ChatInstance instance, string prefix)
    {
        string room = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        await using (AsyncServiceScope scope = instance.Services.CreateAsyncScope())
        {
            ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            db.Rooms.Add(new Room { Id = room, Name = prefix });
            await db.SaveChangesAsync(Cancel);
        }

        await PostMessageAsync(instance, room);
        return (ChatMessage.Keys.Room(room), room);
    }

    /// <summary>
    /// Changes a room on a deployment until its own cursor reaches <paramref name="highest"/> (for at most 15 s: the settled part of the
    /// cursor follows the dispatcher's reads, which on a loaded machine can trail a fast loop of changes): a cursor of the other deployment
    /// up to there then falls inside this one's range of versions.
    /// </summary>
    private static async Task<(SignalKey Key, string Cursor)> CatchUpAsync(ChatInstance instance, long highest)
    {
        (SignalKey key, string room) = await ChangeRoomAsync(instance, "y");
        string cursor = "";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        int changes = 0;
        while (waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            cursor = (string)(await PostChangesAsync(instance, new { keys = new[] { key.Value } }))["cursor"]!;
            if (long.Parse(SseEventId.Numbers(cursor).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture) >= highest)
            {
                return (key, cursor);
            }

            await PostMessageAsync(instance, room);
            changes++;
            await Task.Delay(20, Cancel);
        }

        throw new InvalidOperationException($"The deployment's cursor did not reach {highest} in 15 s and {changes} changes (its last: {cursor}).");
    }

    /// <summary>
    /// The key's latest committed version, once the deployment answers it (bounded): the messages just posted are committed, but the
    /// dispatcher may not have read the last of them yet, and an answer before it would move under the test.
    /// </summary>
    private static async Task<long> SettledVersionAsync(ChatInstance instance, SignalKey key)
    {
        long committed;
        await using (AsyncServiceScope scope = instance.Services.CreateAsyncScope())
        {
            ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            committed = Math.Max(
                await db.Set<Signals.EntityFrameworkCore.SignalOutboxEntry>().Where(e => e.Key == key.Value).MaxAsync(e => (long?)e.Id, Cancel) ?? 0,
                await db.Set<Signals.EntityFrameworkCore.SignalStateEntry>().Where(e => e.Key == key.Value).MaxAsync(e => (long?)e.Version, Cancel) ?? 0);
        }

        long answered = 0;
        for (int i = 0; i < 500 && answered != committed; i++)
        {
            answered = (long)(await PostChangesAsync(instance, new { keys = new[] { key.Value } }))["changed"]![key.Value]!["version"]!;
            if (answered != committed)
            {
                await Task.Delay(20, Cancel);
            }
        }

        Assert.Equal(committed, answered);
        return committed;
    }

    private static async Task<SseItem<string>> NextOfTypeAsync(SseClient events, string type)
    {
        while (true)
        {
            SseItem<string> item = await events.NextAsync();
            if (item.EventType == type)
            {
                return item;
            }
        }
    }

    private static async Task<JsonObject> PostChangesAsync(ChatInstance instance, object body)
    {
        using HttpResponseMessage response = await instance.Http.PostAsJsonAsync("/signals/changes", body, JsonSerializerOptions.Web, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
    }

    private static async Task PostMessageAsync(ChatInstance instance, string room)
    {
        using HttpResponseMessage posted = await instance.Http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { author = "ada", text = "epoch" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }
}

/// <summary>Cursors across two deployments on PostgreSQL.</summary>
/// <param name="deployments">The two deployments.</param>
public sealed class DeploymentEpochOnPostgreSqlTests(PostgreSqlTwoDeployments deployments) : DeploymentEpochTests(deployments), IClassFixture<PostgreSqlTwoDeployments>;

/// <summary>Cursors across two deployments on SQLite.</summary>
/// <param name="deployments">The two deployments.</param>
public sealed class DeploymentEpochOnSqliteTests(SqliteTwoDeployments deployments) : DeploymentEpochTests(deployments), IClassFixture<SqliteTwoDeployments>;
