using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Signals.EndToEnd.Tests;

/// <summary>The HTTP surface across two instances on one database: a long-poll on B ends when A commits, and a cursor from A resumes on B.</summary>
/// <param name="instances">The two instances.</param>
public abstract class CrossInstanceHttpTests(TwoInstances instances)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_endpoint_reports_each_instance_dispatcher_healthy_once_it_has_loaded()
    {
        foreach (ChatInstance instance in new[] { instances.A, instances.B })
        {
            using CancellationTokenSource deadline = TestDeadline.Start(10);
            string body;
            HttpStatusCode status;
            do
            {
                using HttpResponseMessage response = await instance.Http.GetAsync("/health", deadline.Token);
                (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync(deadline.Token));
            }
            while (body != "Healthy" && !await DelayAsync(deadline.Token));

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Healthy", body);
        }

        static async Task<bool> DelayAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            return false;
        }
    }

    [Fact]
    public async Task Long_poll_on_B_ends_as_soon_as_A_commits_a_change()
    {
        SignalKey key = ChatMessage.Keys.Room("general");
        var stopwatch = Stopwatch.StartNew();
        Task<HttpResponseMessage> pending = instances.B.Http.PostAsJsonAsync(
            "/signals/sync", new { known = new Dictionary<string, long> { [key.Value] = 0 }, wait = 20_000 }, JsonSerializerOptions.Web, Cancel);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Cancel);
        Assert.False(pending.IsCompleted, "The long-poll answered before anything changed.");

        await instances.A.PostMessageAsync("general", "wake up");
        using HttpResponseMessage response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        stopwatch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonObject json = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
        JsonNode entry = json["changed"]![key.Value]!;
        Assert.True((long)entry["version"]! > 0);
        Assert.Equal("app-b", (string)entry["source"]!);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"The long-poll took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task Cursor_from_a_stream_on_A_resumes_on_B()
    {
        SignalKey key = ChatMessage.Keys.Room("random");
        using CancellationTokenSource deadline = TestDeadline.Start();
        long seenOnA;
        await using (SseClient onA = await SignalEvents.OpenAsync(instances.A.Http, [key], deadline.Token))
        {
            await instances.A.PostMessageAsync("random", "one");
            seenOnA = (await onA.NextSignalAsync()).Version;
        }

        // The client was away while this was committed; it reconnects to B with the last id it saw on A.
        await instances.A.PostMessageAsync("random", "two");
        await using SseClient onB = await SignalEvents.OpenAsync(instances.B.Http, [key], deadline.Token, lastEventId: seenOnA);
        SignalEvents.SignalEvent missed = await onB.NextSignalAsync();
        Assert.True(missed.Version > seenOnA, $"B replayed {missed.Version}, at or before the cursor {seenOnA}.");

        await instances.A.PostMessageAsync("random", "three");
        Assert.True((await onB.NextSignalAsync()).Version > missed.Version);
    }

    [Fact]
    public async Task Cursor_form_poll_on_B_from_a_cursor_of_A_reports_only_the_key_A_changed_since()
    {
        // A room of its own: another test of the class posts to "random", and B may still be applying that when this one polls.
        string room = $"cursor-{Guid.NewGuid():N}"[..15];
        string changed = ChatMessage.Keys.Room(room).Value;
        string quiet = ChatMessage.Keys.Room("nobody-posts-here").Value;
        string[] keys = [changed, quiet];
        Assert.Equal(room, await instances.A.CreateRoomAsync(room));

        await instances.A.PostMessageAsync(room, "before");

        // Poll A until its answer is empty: the cursor then covers the change above (a cursor stays below a version that has not
        // settled yet, so the first answers may repeat it).
        using CancellationTokenSource deadline = TestDeadline.Start(15);
        string? cursor = null;
        JsonObject answer;
        do
        {
            answer = await PostChangesAsync(instances.A, new { keys, cursor }, deadline.Token);
            Assert.Null(answer["changed"]![quiet]);
            cursor = (string)answer["cursor"]!;
        }
        while (answer["changed"]!.AsObject().Count > 0);

        Task<JsonObject> pending = PostChangesAsync(instances.B, new { keys, cursor, waitMs = 20_000 }, deadline.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Cancel);
        Assert.False(pending.IsCompleted, "The long-poll answered before anything changed.");
        await instances.A.PostMessageAsync(room, "cursor form");
        answer = await pending.WaitAsync(deadline.Token);

        Assert.Null(answer["reset"]);
        Assert.Equal([changed], answer["changed"]!.AsObject().Select(static p => p.Key));
        long version = (long)answer["changed"]![changed]!["version"]!;
        Assert.True(version > long.Parse(SseEventId.Numbers(cursor).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<JsonObject> PostChangesAsync(ChatInstance instance, object body, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await instance.Http.PostAsJsonAsync("/signals/changes", body, JsonSerializerOptions.Web, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
    }
}

/// <summary>The cross-instance HTTP surface on PostgreSQL (<c>LISTEN/NOTIFY</c>).</summary>
/// <param name="instances">Two instances on one PostgreSQL database.</param>
public sealed class CrossInstanceHttpOnPostgreSqlTests(PostgreSqlTwoInstances instances) : CrossInstanceHttpTests(instances), IClassFixture<PostgreSqlTwoInstances>;

/// <summary>The cross-instance HTTP surface on one SQLite file (each instance's polling dispatcher).</summary>
/// <param name="instances">Two instances on one SQLite file.</param>
public sealed class CrossInstanceHttpOnSqliteTests(SqliteTwoInstances instances) : CrossInstanceHttpTests(instances), IClassFixture<SqliteTwoInstances>;
