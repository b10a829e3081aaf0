using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Signals.Samples.Chat.Counter;
using Signals.Samples.Chat.Model;
using Signals.Testing;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// An instance-local namespace beside persisted keys, over real HTTP on two instances and a real PostgreSQL: the sample's click counter
/// (<c>counter:clicks</c>, mapped in memory by configuration) next to a chat room (persisted through the outbox).
/// </summary>
/// <param name="instances">The two instances and their database.</param>
public sealed class LocalNamespaceTests(LocalNamespaceInstances instances) : IClassFixture<LocalNamespaceInstances>
{
    /// <summary>
    /// Statements that write a change or a value, or wake other instances: what an instance-local write must never run. The listeners'
    /// announcements (<c>pg_notify(…) AS listener</c>, every half listener timeout) are not a write's.
    /// </summary>
    private const string WritesSql = """
        SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = current_database() AND s.query !~* 'pg_stat_statements'
          AND (s.query ~* 'insert\s+into\s+\S*signals_outbox' OR s.query ~* 'signals_values' OR (s.query ~* '\mpg_notify\M' AND s.query !~* '\mAS listener\M') OR s.query ~* '\mpg_advisory_xact_lock\M')
        """;

    private static readonly SignalKey Clicks = ClickCounter.Keys.Value;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ephemeral_changes_reach_only_this_instance_and_never_touch_the_database()
    {
        SignalKey room = ChatMessage.Keys.Room("local-1");
        await instances.A.CreateRoomAsync("local-1");
        using CancellationTokenSource deadline = TestDeadline.Start(30);
        await using SseClient onA = await SignalEvents.OpenAsync(instances.A.Http, [Clicks, room], deadline.Token);
        await using SseClient onB = await SignalEvents.OpenAsync(instances.B.Http, [Clicks, room], deadline.Token);
        long before = (await CounterAsync(instances.A)).Count;
        await instances.ScalarAsync<object>("SELECT pg_stat_statements_reset()");

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage clicked = await instances.A.Http.PostAsync("/api/counter/increment", null, Cancel);
            Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        }

        // A's subscribers hear of it; its value is A's alone.
        _ = await NextAsync(onA, e => e.Key == Clicks.Value);
        Assert.Equal(before + 3, (await CounterAsync(instances.A)).Count);
        Assert.Equal(0, (await CounterAsync(instances.B)).Count);

        // Nothing of it reached the database: no outbox row, no value row, no NOTIFY, no value lock, by the server's own count.
        Assert.Equal(0L, await instances.ScalarAsync<long>(WritesSql));
        Assert.Equal(0L, await instances.ScalarAsync<long>("SELECT count(*) FROM signals_outbox WHERE key LIKE 'counter:%'"));
        Assert.Equal(0L, await instances.ScalarAsync<long>("SELECT count(*) FROM signals_values WHERE key LIKE 'counter:%'"));
        Assert.Equal(0L, await instances.ScalarAsync<long>("SELECT count(*) FROM signals_state WHERE key LIKE 'counter:%'"));

        // A persisted change afterwards: the count sees its statements (so it can see them), and B's first event is that change — the
        // ephemeral one never reached B.
        await instances.A.PostMessageAsync("local-1", "hello");
        using (HttpResponseMessage zone = await instances.A.Http.PutAsJsonAsync("/api/clock/local-1/zone", new { timeZone = "Europe/Paris" }, Cancel))
        {
            Assert.True(zone.IsSuccessStatusCode, $"Setting the clock's zone answered {(int)zone.StatusCode}.");
        }

        (SignalEvent first, _) = await NextAsync(onB);
        Assert.Equal(room.Value, first.Key);
        Assert.True(await instances.ScalarAsync<long>(WritesSql) >= 3, "The persisted writes (outbox insert, value write, NOTIFY) were not counted.");
    }

    [Fact]
    public async Task A_mixed_stream_keeps_ephemeral_versions_out_of_its_cursor_and_resumes_on_the_other_instance_without_waiting()
    {
        SignalKey room = ChatMessage.Keys.Room("local-2");
        await instances.A.CreateRoomAsync("local-2");
        using CancellationTokenSource deadline = TestDeadline.Start(30);
        string lastId;
        long persisted;
        long ephemeral;
        await using (SseClient onA = await SignalEvents.OpenAsync(instances.A.Http, [room, Clicks], deadline.Token))
        {
            await instances.A.PostMessageAsync("local-2", "one");
            (SignalEvent change, (long resume, long highest)) = await NextAsync(onA, e => e.Key == room.Value);
            persisted = change.Version;
            Assert.Equal(persisted, highest);

            using HttpResponseMessage clicked = await instances.A.Http.PostAsync("/api/counter/increment", null, Cancel);
            (SignalEvent click, (long clickResume, long clickHighest)) = await NextAsync(onA, e => e.Key == Clicks.Value);
            ephemeral = click.Version;
            lastId = Id(clickResume, clickHighest);

            // The click's version is on the local line (the clock, far above any outbox id); the event id still names only outbox versions.
            Assert.True(ephemeral > persisted * 1000, $"Local version {ephemeral} is not on the clock line (outbox at {persisted}).");
            Assert.InRange(clickResume, resume, persisted);
            Assert.Equal(persisted, clickHighest);
        }

        // Resumed on B: no catch-up hold for a version B never has, and B's stream goes on with the persisted key only.
        var stopwatch = Stopwatch.StartNew();
        await using (SseClient onB = await ResumeAsync(instances.B, [room, Clicks], lastId, deadline.Token))
        {
            stopwatch.Stop();
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"Resuming on B took {stopwatch.Elapsed} (the catch-up hold is 5 s).");
            await instances.A.PostMessageAsync("local-2", "two");
            (SignalEvent next, _) = await NextAsync(onB);
            Assert.Equal(room.Value, next.Key);
            Assert.True(next.Version > persisted);
        }

        // Resumed on A from the same id: A repeats its local key's current state (local versions are not covered by the cursor).
        await using (SseClient again = await ResumeAsync(instances.A, [room, Clicks], lastId, deadline.Token))
        {
            (SignalEvent repeated, _) = await NextAsync(again, e => e.Key == Clicks.Value);
            Assert.True(repeated.Version >= ephemeral);
        }
    }

    [Fact]
    public async Task Sync_with_mixed_keys_answers_each_instance_from_its_own_store_without_waiting()
    {
        SignalKey room = ChatMessage.Keys.Room("local-3");
        await instances.A.CreateRoomAsync("local-3");
        await instances.A.PostMessageAsync("local-3", "one");
        using (HttpResponseMessage clicked = await instances.A.Http.PostAsync("/api/counter/increment", null, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        }

        long clicks = (await CounterAsync(instances.A)).Version;
        JsonObject onA = await SyncAsync(instances.A, new() { [room.Value] = 0, [Clicks.Value] = 0 });
        long roomVersion = (long)onA["changed"]![room.Value]!["version"]!;
        Assert.Equal(clicks, (long)onA["changed"]![Clicks.Value]!["version"]!);
        Assert.True((long)onA["mesh"]!["serverVersion"]! < clicks, "The server version took the local line's version.");

        // A knows both: nothing changed.
        JsonObject again = await SyncAsync(instances.A, new() { [room.Value] = roomVersion, [Clicks.Value] = clicks });
        Assert.Empty(again["changed"]!.AsObject());

        // B: no catch-up hold for the local version (B's dispatcher never reaches it), and B answers from its own store.
        var stopwatch = Stopwatch.StartNew();
        JsonObject onB = await SyncAsync(instances.B, new() { [room.Value] = roomVersion, [Clicks.Value] = clicks });
        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"Sync on B took {stopwatch.Elapsed} (the catch-up hold is 5 s).");
        JsonObject changed = onB["changed"]!.AsObject();
        Assert.False(changed.ContainsKey(room.Value), "B answered the persisted key as changed.");
        Assert.Equal(0, (long)changed[Clicks.Value]!["version"]!);
    }

    private static async Task<SseClient> ResumeAsync(ChatInstance instance, SignalKey[] keys, string lastId, CancellationToken deadline)
        => await SseClient.OpenAsync(
            instance.Http, "/signals/events?" + string.Join('&', keys.Select(k => "key=" + Uri.EscapeDataString(k.Value))), deadline, lastId);

    private static async Task<JsonObject> SyncAsync(ChatInstance instance, Dictionary<string, long> known)
    {
        using HttpResponseMessage response = await instance.Http.PostAsJsonAsync("/signals/sync", new { known }, JsonSerializerOptions.Web, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
    }

    private static async Task<CounterApi.CounterDto> CounterAsync(ChatInstance instance)
        => (await instance.Http.GetFromJsonAsync<CounterApi.CounterDto>("/api/counter", JsonSerializerOptions.Web, Cancel))!;

    /// <summary>Reads signal events until one matches, with its event id parsed as <c>C</c> or <c>C-H</c>.</summary>
    private static async Task<(SignalEvent Event, (long Resume, long Highest) Id)> NextAsync(SseClient events, Func<SignalEvent, bool>? match = null)
    {
        while (true)
        {
            SseItem<string> item = await events.NextAsync();
            if (item.EventType != "signal")
            {
                continue;
            }

            SignalEvent signal = JsonSerializer.Deserialize<SignalEvent>(item.Data, JsonSerializerOptions.Web)!;
            string[] parts = SseEventId.Numbers(item.EventId).Split('-');
            long resume = long.Parse(parts[0], CultureInfo.InvariantCulture);
            long highest = parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : resume;
            if (match is null || match(signal))
            {
                return (signal, (resume, highest));
            }
        }
    }

    private static string Id(long resume, long highest)
        => highest > resume ? string.Create(CultureInfo.InvariantCulture, $"{resume}-{highest}") : resume.ToString(CultureInfo.InvariantCulture);

    private sealed record SignalEvent(string Key, long Version, string? Hash, long UpdatedAt);
}
