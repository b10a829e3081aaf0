using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

public sealed class EventsEndpointTests
{
    private static void AssertEvent(SseItem<string> item, string key, long version)
    {
        Assert.Equal("signal", item.EventType);
        Assert.Equal(version, SseEventId.Highest(item.EventId));
        using JsonDocument data = JsonDocument.Parse(item.Data);
        JsonElement root = data.RootElement;
        Assert.Equal(["hash", "key", "updatedAt", "version"], root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(key, root.GetProperty("key").GetString());
        Assert.Equal(version, root.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("hash").ValueKind);
        Assert.True(root.GetProperty("updatedAt").GetInt64() > 0);
    }

    [Fact]
    public async Task Stream_starts_with_current_state_then_sends_live_changes()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> initial = await host.ChangeAsync("chat:room:general");
        await host.ChangeAsync("chat:room:unwatched");

        await using SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=chat:room:general&key=chat:room:random", deadline.Token);

        Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(events.Response.Headers.CacheControl?.NoCache, $"Cache-Control: {events.Response.Headers.CacheControl}");
        Assert.Equal(["no"], events.Response.Headers.GetValues("X-Accel-Buffering"));

        SseItem<string> first = await events.NextAsync();
        AssertEvent(first, "chat:room:general", initial[0].Version);
        Assert.Equal(TimeSpan.FromSeconds(3), first.ReconnectionInterval);

        // chat:room:random never changed, so it was not in the initial state: the next event is the live change.
        IReadOnlyList<SignalVersion> live = await host.ChangeAsync("chat:room:random");
        SseItem<string> second = await events.NextAsync();
        AssertEvent(second, "chat:room:random", live[0].Version);
        Assert.Null(second.ReconnectionInterval);

        await host.ChangeAsync("chat:room:unwatched");
        IReadOnlyList<SignalVersion> again = await host.ChangeAsync("chat:room:general");
        AssertEvent(await events.NextAsync(), "chat:room:general", again[0].Version);
    }

    [Fact]
    public async Task Last_event_id_header_resumes_with_only_newer_changes()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:one", "a:two", "a:three");

        await using SseClient events = await SseClient.OpenAsync(
            host.Client, "/signals/events?key=a:one&key=a:two&key=a:three", deadline.Token, lastEventId: v[1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AssertEvent(await events.NextAsync(), "a:three", v[2].Version);

        // Had a:one or a:two been replayed they would come before this newer change.
        IReadOnlyList<SignalVersion> next = await host.ChangeAsync("a:one");
        AssertEvent(await events.NextAsync(), "a:one", next[0].Version);
    }

    [Fact]
    public async Task Last_event_id_query_resumes_and_the_header_wins_over_it()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:one", "a:two");

        await using (SseClient byQuery = await SseClient.OpenAsync(
            host.Client, $"/signals/events?key=a:one&key=a:two&lastEventId={v[0].Version}", deadline.Token))
        {
            AssertEvent(await byQuery.NextAsync(), "a:two", v[1].Version);
        }

        await using SseClient byHeader = await SseClient.OpenAsync(
            host.Client, $"/signals/events?key=a:one&key=a:two&lastEventId={v[1].Version}", deadline.Token, lastEventId: "0");
        AssertEvent(await byHeader.NextAsync(), "a:one", v[0].Version);
        AssertEvent(await byHeader.NextAsync(), "a:two", v[1].Version);
    }

    [Fact]
    public async Task Heartbeat_comment_arrives_while_idle()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync(endpoints: o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/signals/events?key=a:b");
        using HttpResponseMessage response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));

        // Nothing changed, so the first bytes on the wire are heartbeats: a comment line and a blank line, twice.
        IEnumerable<string?> lines = [
            await reader.ReadLineAsync(deadline.Token), await reader.ReadLineAsync(deadline.Token),
            await reader.ReadLineAsync(deadline.Token), await reader.ReadLineAsync(deadline.Token),
        ];
        Assert.Equal(new string?[] { ": ping", "", ": ping", "" }, lines);
    }

    [Fact]
    public async Task Raw_first_event_carries_id_type_data_and_retry()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync(endpoints: o =>
        {
            o.ReconnectionInterval = TimeSpan.FromMilliseconds(1500);
            o.EventType = "update";
        });
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:b");

        using HttpResponseMessage response = await host.Client.GetAsync("/signals/events?key=a:b", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var lines = new List<string>();
        while (await reader.ReadLineAsync(deadline.Token) is { Length: > 0 } line)
        {
            lines.Add(line);
        }

        Assert.Equal(
            [
                $"data: {{\"key\":\"a:b\",\"version\":{v[0].Version},\"hash\":null,\"updatedAt\":{v[0].UpdatedAt.ToUnixTimeMilliseconds()}}}",
                "event: update",
                $"id: {v[0].Version}",
                "retry: 1500",
            ],
            lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Stream_ends_cleanly_when_the_app_stops()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        TestServerHost host = await TestServerHost.StartAsync();
        await using (host)
        {
            IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:b");
            await using SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:b", deadline.Token);
            AssertEvent(await events.NextAsync(), "a:b", v[0].Version);

            Task stopping = host.App.StopAsync(deadline.Token);
            Assert.True(await events.EndsAsync());
            await stopping.WaitAsync(deadline.Token);
        }
    }

    [Fact]
    public async Task Stream_ends_on_the_server_when_the_client_disconnects()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // No heartbeats: only the server noticing the disconnect can end the stream.
        await using TestServerHost host = await TestServerHost.StartAsync(endpoints: o => o.HeartbeatInterval = TimeSpan.Zero, map: app =>
        {
            app.Use(async (context, next) =>
            {
                await next(context);
                if (context.Request.Path.StartsWithSegments("/signals/events"))
                {
                    ended.TrySetResult();
                }
            });
            app.MapSignals();
        });
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:b");

        SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:b", deadline.Token);
        AssertEvent(await events.NextAsync(), "a:b", v[0].Version);
        Assert.False(ended.Task.IsCompleted);

        await events.DisposeAsync();
        await ended.Task.WaitAsync(deadline.Token);
    }

    [Fact]
    public async Task Duplicate_keys_are_watched_once()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync(signals: o => o.MaxKeysPerSubscription = 2);
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:b", "a:c");

        await using SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:b&key=a:b&key=a:c&key=a:b", deadline.Token);
        AssertEvent(await events.NextAsync(), "a:b", v[0].Version);
        AssertEvent(await events.NextAsync(), "a:c", v[1].Version);
    }

    [Fact]
    public async Task Query_parameter_names_ignore_case_and_values_are_decoded()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:one", "a:two b", "a:three");

        // As HttpRequest.Query reads them: names without regard to case, '+' and %XX decoded, unknown parameters ignored.
        await using SseClient events = await SseClient.OpenAsync(
            host.Client, $"/signals/events?KEY=a:one&Key=a:two+b&other=1&key=a%3Athree&LastEventID={v[0].Version}", deadline.Token);
        AssertEvent(await events.NextAsync(), "a:two b", v[1].Version);
        AssertEvent(await events.NextAsync(), "a:three", v[2].Version);
    }

    [Fact]
    public async Task Escaped_family_keys_round_trip_through_the_query_and_the_payload()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        SignalKey key = SignalKey.Create("chat:room", "a:b%c");
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync(key.Value);

        await using SseClient events = await SseClient.OpenAsync(host.Client, $"/signals/events?key={Uri.EscapeDataString(key.Value)}", deadline.Token);
        AssertEvent(await events.NextAsync(), key.Value, v[0].Version);
    }

    [Fact]
    public async Task Slow_client_gets_every_key_latest_version_coalesced_not_a_growing_queue()
    {
        const int Changes = 50_000;
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        SignalKey key = SignalKey.Parse("a:hot");

        // Changes arrive far faster than the stream writes them, and the client reads only once all are published: the
        // subscription holds at most one pending change per key, so the stream skips versions but never the latest one.
        using HttpResponseMessage response = await host.Client.GetAsync("/signals/events?key=a:hot&key=a:cold", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        for (long version = 1; version <= Changes; version++)
        {
            host.Hub.Publish(new SignalVersion(key, version, null, now));
        }

        host.Hub.Publish(new SignalVersion(SignalKey.Parse("a:cold"), Changes + 1, null, now));

        await using IAsyncEnumerator<SseItem<string>> events = SseParser.Create(await response.Content.ReadAsStreamAsync(deadline.Token))
            .EnumerateAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        int received = 0;
        long last = 0;
        var seen = new HashSet<string>();
        while (seen.Count < 2 || last < Changes)
        {
            Assert.True(await events.MoveNextAsync());
            using JsonDocument data = JsonDocument.Parse(events.Current.Data);
            long version = data.RootElement.GetProperty("version").GetInt64();
            string eventKey = data.RootElement.GetProperty("key").GetString()!;
            seen.Add(eventKey);
            if (eventKey == key.Value)
            {
                Assert.True(version > last, $"Version {version} after {last}.");
                last = version;
            }

            received++;
        }

        Assert.Equal(Changes, last);
        Assert.True(received < Changes / 2, $"{received} events for {Changes} changes: the changes were queued, not coalesced.");
    }

    [Fact]
    public async Task Stream_is_not_compressed_even_when_the_app_compresses_event_streams()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s => s.AddResponseCompression(o => o.MimeTypes = ["text/event-stream", "application/json"]),
            map: app =>
            {
                app.UseResponseCompression();
                app.MapSignals();
            });
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:b");

        using var streamRequest = new HttpRequestMessage(HttpMethod.Get, "/signals/events?key=a:b");
        streamRequest.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using HttpResponseMessage stream = await host.Client.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var syncRequest = new HttpRequestMessage(HttpMethod.Post, "/signals/sync") { Content = new StringContent("""{"known": {"a:b": 0}}""", System.Text.Encoding.UTF8, "application/json") };
        syncRequest.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using HttpResponseMessage sync = await host.Client.SendAsync(syncRequest, deadline.Token);

        // The middleware is active (it compresses sync), yet the stream goes out as written.
        Assert.NotEmpty(sync.Content.Headers.ContentEncoding);
        Assert.DoesNotContain(stream.Content.Headers.ContentEncoding, e => e is "gzip" or "br");
        await using IAsyncEnumerator<SseItem<string>> events = SseParser.Create(await stream.Content.ReadAsStreamAsync(deadline.Token))
            .EnumerateAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        Assert.True(await events.MoveNextAsync());
        AssertEvent(events.Current, "a:b", v[0].Version);
    }

    [Fact]
    public async Task Nothing_a_client_or_a_writer_sends_can_inject_SSE_fields()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync(endpoints: o => o.HeartbeatInterval = TimeSpan.Zero);

        // Raw line breaks in a key or a cursor are refused before any stream starts.
        foreach (string query in new[] { "key=a:b%0D%0Aid:%20666", "key=a:b%0Aevent:%20evil", "key=a:b&lastEventId=1%0Aevent:%20evil", "key=a:b%00" })
        {
            using HttpResponseMessage refused = await host.Client.GetAsync("/signals/events?" + query, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            Assert.True(refused.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{query}: {refused.StatusCode}");
        }

        // A family argument may hold line breaks: the key escapes them. A hash comes from the writer: the JSON escapes it.
        SignalKey key = SignalKey.Create("chat:room", "x\r\nid: 666\n\nevent: evil\ndata: {}");
        Assert.DoesNotContain('\n', key.Value);
        using HttpResponseMessage response = await host.Client.GetAsync(
            $"/signals/events?key={Uri.EscapeDataString(key.Value)}", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        host.Hub.Publish(new SignalVersion(key, 7, "h\r\nid: 666\n\nevent: evil", DateTimeOffset.UtcNow));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var lines = new List<string>();
        while (await reader.ReadLineAsync(deadline.Token) is { Length: > 0 } line)
        {
            lines.Add(line);
        }

        Assert.Equal(["data: ", "event: signal", "id: 7", "retry: 3000"], lines.Select(l => l.StartsWith("data: ", StringComparison.Ordinal) ? "data: " : l).Order(StringComparer.Ordinal));
        using JsonDocument data = JsonDocument.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]);
        Assert.Equal(key.Value, data.RootElement.GetProperty("key").GetString());
        Assert.Equal("h\r\nid: 666\n\nevent: evil", data.RootElement.GetProperty("hash").GetString());
    }
}
