using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>The cursor form of sync, <c>POST</c> and <c>GET /signals/changes</c>, over real Kestrel.</summary>
public sealed class ChangesEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostAsync(TestServerHost host, string json)
        => host.SendAsync(HttpMethod.Post, "/signals/changes", json);

    private static string Keys(params string[] keys) => string.Join(",", keys.Select(static k => $"\"{k}\""));

    private static string[] ChangedKeys(JsonElement answer)
        => [.. answer.GetProperty("changed").EnumerateObject().Select(static p => p.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Answers_every_changed_key_without_a_cursor_then_only_the_keys_changed_since_the_cursor()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("chat:room:a", "chat:room:b");

        using HttpResponseMessage first = await PostAsync(host, $$"""{"keys": [{{Keys("chat:room:a", "chat:room:b", "chat:room:never")}}]}""");
        JsonElement answer = await TestServerHost.ReadJsonAsync(first);
        Assert.Equal(["chat:room:a", "chat:room:b"], ChangedKeys(answer));
        Assert.Equal(v[1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.GetProperty("cursor").GetString());
        Assert.False(answer.TryGetProperty("reset", out _));

        string cursor = answer.GetProperty("cursor").GetString()!;
        using HttpResponseMessage unchanged = await PostAsync(host, $$"""{"keys": [{{Keys("chat:room:a", "chat:room:b", "chat:room:never")}}], "cursor": "{{cursor}}"}""");
        JsonElement empty = await TestServerHost.ReadJsonAsync(unchanged);
        Assert.Empty(ChangedKeys(empty));
        Assert.Equal(cursor, empty.GetProperty("cursor").GetString());

        IReadOnlyList<SignalVersion> later = await host.ChangeAsync("chat:room:b", "other:key");
        using HttpResponseMessage changed = await PostAsync(host, $$"""{"keys": [{{Keys("chat:room:a", "chat:room:b", "chat:room:never")}}], "cursor": "{{cursor}}"}""");
        JsonElement next = await TestServerHost.ReadJsonAsync(changed);
        Assert.Equal(["chat:room:b"], ChangedKeys(next));
        Assert.Equal(later[0].Version, next.GetProperty("changed").GetProperty("chat:room:b").GetProperty("version").GetInt64());
        Assert.Equal(later[1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture), next.GetProperty("cursor").GetString());
    }

    [Fact]
    public async Task The_native_sync_answer_offers_the_cursor_form_and_the_Reality_path_and_form_do_not()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(map: app =>
        {
            app.MapSignals();
            app.MapRealityCompatibility();
        });
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("chat:room:a");

        using HttpResponseMessage native = await host.PostSyncAsync("""{"known": {"chat:room:a": 0}}""", Token);
        JsonElement answer = await TestServerHost.ReadJsonAsync(native);
        string cursor = answer.GetProperty("cursor").GetString()!;
        Assert.Equal(v[0].Version.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor);

        using HttpResponseMessage reality = await host.SendAsync(HttpMethod.Post, "/reality/sync", """{"known": {"chat:room:a": 0}}""");
        Assert.False((await TestServerHost.ReadJsonAsync(reality)).TryGetProperty("cursor", out _));

        // The Reality form gets Reality's answer at the native path too.
        using HttpResponseMessage realityForm = await host.PostSyncAsync(
            """{"known": {"chat:room:a": 0}, "clientId": "0f8fad5b-d9cb-469f-a165-70867728950e", "mode": "native", "hint": "mount"}""", Token);
        Assert.False((await TestServerHost.ReadJsonAsync(realityForm)).TryGetProperty("cursor", out _));

        // The cursor from a key-list answer polls on: nothing changed since.
        using HttpResponseMessage poll = await PostAsync(host, $$"""{"keys": ["chat:room:a"], "cursor": "{{cursor}}"}""");
        Assert.Empty(ChangedKeys(await TestServerHost.ReadJsonAsync(poll)));
    }

    [Fact]
    public async Task A_long_poll_on_an_unchanged_cursor_answers_when_one_of_its_keys_changes()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        await host.ChangeAsync("chat:room:a");
        string cursor = (await TestServerHost.ReadJsonAsync(await PostAsync(host, """{"keys": ["chat:room:a"]}"""))).GetProperty("cursor").GetString()!;

        var watch = Stopwatch.StartNew();
        Task<HttpResponseMessage> poll = PostAsync(host, $$"""{"keys": ["chat:room:a", "chat:room:b"], "cursor": "{{cursor}}", "waitMs": 15000}""");
        await Task.Delay(300, deadline.Token);
        Assert.False(poll.IsCompleted);
        await host.ChangeAsync("chat:room:other");
        await Task.Delay(200, deadline.Token);
        Assert.False(poll.IsCompleted); // another key's change does not end the poll
        IReadOnlyList<SignalVersion> b = await host.ChangeAsync("chat:room:b");

        JsonElement answer = await TestServerHost.ReadJsonAsync(await poll.WaitAsync(deadline.Token));
        Assert.Equal(["chat:room:b"], ChangedKeys(answer));
        Assert.Equal(b[0].Version, answer.GetProperty("changed").GetProperty("chat:room:b").GetProperty("version").GetInt64());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_cursor_below_the_resume_floor_gets_a_reset_with_every_key_including_those_that_never_changed()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:one", "a:two", "a:three");
        host.Hub.AdvanceResumeFloor(v[1].Version);

        using HttpResponseMessage response = await PostAsync(host, $$"""{"keys": [{{Keys("a:one", "a:two", "a:never")}}], "cursor": "{{v[0].Version}}"}""");
        JsonElement answer = await TestServerHost.ReadJsonAsync(response);
        Assert.True(answer.GetProperty("reset").GetBoolean());
        Assert.Equal(["a:never", "a:one", "a:two"], ChangedKeys(answer));
        Assert.Equal(0, answer.GetProperty("changed").GetProperty("a:never").GetProperty("version").GetInt64());
        Assert.Equal(v[0].Version, answer.GetProperty("changed").GetProperty("a:one").GetProperty("version").GetInt64());
        Assert.Equal(v[2].Version.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.GetProperty("cursor").GetString());

        // At the floor, no reset.
        using HttpResponseMessage atFloor = await PostAsync(host, $$"""{"keys": [{{Keys("a:one", "a:two", "a:never")}}], "cursor": "{{v[1].Version}}"}""");
        JsonElement resumed = await TestServerHost.ReadJsonAsync(atFloor);
        Assert.False(resumed.TryGetProperty("reset", out _));
        Assert.Empty(ChangedKeys(resumed));
    }

    [Theory]
    [InlineData("1000000")] // a cursor from the future (another deployment, a restarted in-memory app)
    [InlineData("1-1000000")] // a seen version from the future
    public async Task A_cursor_ahead_of_every_change_the_server_knows_gets_a_reset_not_an_empty_answer(string cursor)
    {
        await using TestServerHost host = await TestServerHost.StartAsync(endpoints: o => o.CatchUpTimeout = TimeSpan.FromMilliseconds(200));
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:one");

        using HttpResponseMessage response = await PostAsync(host, $$"""{"keys": ["a:one"], "cursor": "{{cursor}}"}""");
        JsonElement answer = await TestServerHost.ReadJsonAsync(response);
        Assert.True(answer.GetProperty("reset").GetBoolean());
        Assert.Equal(v[0].Version, answer.GetProperty("changed").GetProperty("a:one").GetProperty("version").GetInt64());
        Assert.Equal(v[0].Version.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.GetProperty("cursor").GetString());
    }

    [Theory]
    [InlineData("""{"keys": ["a:one"], "cursor": "abc"}""", SignalsProblemTypes.InvalidCursor, "'C' or 'C-H'")]
    [InlineData("""{"keys": ["a:one"], "cursor": "5-3"}""", SignalsProblemTypes.InvalidCursor, "0 <= C <= H")]
    [InlineData("""{"keys": ["a:one"], "cursor": "-1"}""", SignalsProblemTypes.InvalidCursor, "got \"-1\"")]
    [InlineData("""{"keys": ["a:one"], "cursor": "5.Not-An-Epoch"}""", SignalsProblemTypes.InvalidCursor, "'.E' (the server's epoch")]
    [InlineData("""{"keys": ["a:one"], "cursor": 5}""", SignalsProblemTypes.InvalidCursor, "'cursor' string")]
    [InlineData("""{"keys": []}""", SignalsProblemTypes.InvalidRequest, "at least one key")]
    [InlineData("""{"cursor": "5"}""", SignalsProblemTypes.InvalidRequest, "'keys' is required")]
    [InlineData("""{"keys": ["a:one", "a:one"]}""", SignalsProblemTypes.InvalidRequest, "more than once")]
    [InlineData("""{"keys": ["a::one"]}""", SignalsProblemTypes.InvalidKey, "\"a::one\"")]
    [InlineData("""{"keys": ["a:one"], "waitMs": -1}""", SignalsProblemTypes.InvalidRequest, "'waitMs'")]
    [InlineData("""{"keys": ["a:one"], "cursor": "1", "cursor": "2"}""", SignalsProblemTypes.InvalidRequest, "more than once")]
    [InlineData("""{"keys": ["a:one"]} {}""", SignalsProblemTypes.MalformedJson, "not well-formed JSON")]
    public async Task Bad_input_is_a_problem_and_changes_nothing(string body, string type, string detail)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        long cursor = host.Hub.Cursor;
        using HttpResponseMessage response = await PostAsync(host, body);
        Assert.Contains(detail, await TestServerHost.ReadProblemAsync(response, 400, type), StringComparison.Ordinal);
        Assert.Equal(cursor, host.Hub.Cursor);
        Assert.Equal(0, host.Hub.HeldKeyCount);
    }

    [Theory]
    [InlineData("/signals/changes?cursor=1", SignalsProblemTypes.InvalidRequest, "at least one key")]
    [InlineData("/signals/changes?key=a:one&cursor=x", SignalsProblemTypes.InvalidCursor, "'cursor' query parameter")]
    [InlineData("/signals/changes?key=a:one&cursor=1&cursor=2", SignalsProblemTypes.InvalidRequest, "more than once")]
    [InlineData("/signals/changes?key=a:one&waitMs=soon", SignalsProblemTypes.InvalidRequest, "'waitMs'")]
    [InlineData("/signals/changes?key=a:one&live=-4", SignalsProblemTypes.InvalidRequest, "'live'")]
    [InlineData("/signals/changes?key=a%3A%3Aone", SignalsProblemTypes.InvalidKey, "'key' query parameter")]
    public async Task Bad_input_in_the_GET_form_is_a_problem(string pathAndQuery, string type, string detail)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        using HttpResponseMessage response = await host.SendAsync(HttpMethod.Get, pathAndQuery);
        Assert.Contains(detail, await TestServerHost.ReadProblemAsync(response, 400, type), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_GET_form_is_cacheable_by_a_shared_cache_with_an_ETag_and_a_live_cache_buster()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:one");

        using HttpResponseMessage response = await host.SendAsync(HttpMethod.Get, $"/signals/changes?key=a:one&cursor=0");
        JsonElement answer = await TestServerHost.ReadJsonAsync(response);
        Assert.Equal("public, max-age=5", response.Headers.CacheControl?.ToString());
        long live = answer.GetProperty("live").GetInt64();
        Assert.Equal(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 20, live, tolerance: 1);
        EntityTagHeaderValue etag = response.Headers.ETag!;
        Assert.True(etag.IsWeak);
        Assert.Equal($"\"{v[0].Version}.{live}\"", etag.Tag);
        Assert.Equal(v[0].Version, answer.GetProperty("changed").GetProperty("a:one").GetProperty("version").GetInt64());

        // The next poll sends the live it got: its answer's live is above it, so the URL after it differs even when nothing changed.
        using HttpResponseMessage next = await host.SendAsync(HttpMethod.Get, $"/signals/changes?key=a:one&cursor={v[0].Version}&live={live}");
        Assert.Equal(live + 1, (await TestServerHost.ReadJsonAsync(next)).GetProperty("live").GetInt64());

        // Revalidation with the tag of the same answer: 304.
        var revalidate = new HttpRequestMessage(HttpMethod.Get, $"/signals/changes?key=a:one&cursor=0");
        revalidate.Headers.IfNoneMatch.Add(etag);
        using HttpResponseMessage notModified = await host.Client.SendAsync(revalidate, Token);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task An_answer_that_depends_on_who_asks_is_never_shared()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(map: app => app.MapSignals().RequireAuthorization(), services: s =>
        {
            TestAuthentication.AddTo(s);
            s.AddAuthorization();
        });
        using HttpResponseMessage response = await host.SendAsync(HttpMethod.Get, "/signals/changes?key=a:one", user: "ann");
        await TestServerHost.ReadJsonAsync(response);
        CacheControlHeaderValue cacheControl = response.Headers.CacheControl!;
        Assert.True(cacheControl.Private && cacheControl.NoStore && !cacheControl.Public, cacheControl.ToString());
    }
}
