using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.AspNetCore.Tests;

public sealed class SyncEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bare_form_reports_only_keys_whose_version_differs()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> changes = await host.ChangeAsync("chat:room:general", "chat:room:random", "user:profile:1");
        long general = changes[0].Version;
        long random = changes[1].Version;

        // Current, behind, never-changed-and-0, never-changed-but-client-ahead.
        string body = $$"""
            {"known": {"chat:room:general": {{general}}, "chat:room:random": {{random - 1}}, "chat:room:empty": 0, "chat:room:ahead": 7} }
            """;
        using HttpResponseMessage response = await host.PostSyncAsync(body, Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        JsonElement changed = json.GetProperty("changed");
        Assert.Equal(["chat:room:ahead", "chat:room:random"], changed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        JsonElement entry = changed.GetProperty("chat:room:random");
        Assert.Equal("chat:room:random", entry.GetProperty("key").GetString());
        Assert.Equal(random, entry.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("hash").ValueKind);
        Assert.Equal(changes[1].UpdatedAt.ToUnixTimeMilliseconds(), entry.GetProperty("updatedAt").GetInt64());
        Assert.Equal(TestServerHost.InstanceId, entry.GetProperty("source").GetString());

        // A client ahead of the server gets the server's version back (0 = never changed).
        Assert.Equal(0, changed.GetProperty("chat:room:ahead").GetProperty("version").GetInt64());

        Assert.Equal(JsonValueKind.Object, json.GetProperty("mesh").GetProperty("peers").ValueKind);
        Assert.Empty(json.GetProperty("mesh").GetProperty("peers").EnumerateObject());
        Assert.Equal(host.Hub.Cursor, json.GetProperty("mesh").GetProperty("serverVersion").GetInt64());
        long serverTime = json.GetProperty("serverTime").GetInt64();
        Assert.InRange(serverTime, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Reality_form_is_accepted_and_answered_with_the_superset_response()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> changes = await host.ChangeAsync("todo:list");

        string body = """
            {"known": {"todo:list": 0}, "clientId": "0f8fad5b-d9cb-469f-a165-70867728950e", "mode": "native",
             "hint": "mount", "timestamp": 1699876543000, "wait": 0, "somethingNew": {"ignored": [1, 2]}}
            """;
        using HttpResponseMessage response = await host.PostSyncAsync(body, Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        JsonElement entry = json.GetProperty("changed").GetProperty("todo:list");
        Assert.Equal(changes[0].Version, entry.GetProperty("version").GetInt64());
        Assert.Equal(["hash", "key", "source", "updatedAt", "version"], entry.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["changed", "mesh", "serverTime"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("sse-compat", "focus")]
    [InlineData("polling-compat", "idle")]
    [InlineData("native", "reconnect")]
    [InlineData("native", "interaction")]
    [InlineData("native", "mutation")]
    public async Task Every_reality_mode_and_hint_is_accepted(string mode, string hint)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        string body = $$"""{"known": {}, "clientId": "0f8fad5b-d9cb-469f-a165-70867728950e", "mode": "{{mode}}", "hint": "{{hint}}"}""";
        using HttpResponseMessage response = await host.PostSyncAsync(body, Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Empty(json.GetProperty("changed").EnumerateObject());
    }

    [Fact]
    public async Task Keys_are_matched_by_their_text_however_the_JSON_escapes_it()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> changes = await host.ChangeAsync("chat:room:general", "chat:room:random");

        // Both keys are in the hub; the body spells them with escapes, as a JSON encoder may.
        string body = $$"""
            {"known": {"chat\u003Aroom\u003Ageneral": {{changes[0].Version}}, "chat:room:\u0072andom": {{changes[1].Version - 1}}, "chat:room:\u0065mpty": 0} }
            """;
        using HttpResponseMessage response = await host.PostSyncAsync(body, Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        JsonElement changed = json.GetProperty("changed");
        Assert.Equal(["chat:room:random"], changed.EnumerateObject().Select(p => p.Name));
        Assert.Equal(changes[1].Version, changed.GetProperty("chat:room:random").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Up_to_date_client_gets_an_empty_changed_object()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> changes = await host.ChangeAsync("a:b", "a:c");

        using HttpResponseMessage response = await host.PostSyncAsync(
            $$"""{"known": {"a:b": {{changes[0].Version}}, "a:c": {{changes[1].Version}}, "a:never": 0} }""", Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Empty(json.GetProperty("changed").EnumerateObject());
        Assert.Equal(changes[1].Version, json.GetProperty("mesh").GetProperty("serverVersion").GetInt64());
    }

    [Theory]
    [InlineData("waitMs")]
    [InlineData("wait")]
    public async Task Long_poll_is_held_and_returns_promptly_when_a_known_key_changes(string field)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> before = await host.ChangeAsync("chat:room:general");

        var stopwatch = Stopwatch.StartNew();
        Task<HttpResponseMessage> pending = host.PostSyncAsync(
            $$"""{"known": {"chat:room:general": {{before[0].Version}}, "chat:room:other": 0}, "{{field}}": 20000}""", Token);

        // Give the request time to reach the wait; the assertion that matters is that it is still held.
        await Task.Delay(TimeSpan.FromMilliseconds(300), Token);
        Assert.False(pending.IsCompleted, "The long-poll answered before anything changed.");

        IReadOnlyList<SignalVersion> after = await host.ChangeAsync("chat:room:general");
        using HttpResponseMessage response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Token);
        stopwatch.Stop();
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Equal(after[0].Version, json.GetProperty("changed").GetProperty("chat:room:general").GetProperty("version").GetInt64());
        Assert.False(json.GetProperty("changed").TryGetProperty("chat:room:other", out _));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"The long-poll took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task Long_poll_ignores_changes_of_keys_it_does_not_know()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        Task<HttpResponseMessage> pending = host.PostSyncAsync("""{"known": {"a:watched": 0}, "waitMs": 20000}""", Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Token);
        await host.ChangeAsync("a:unrelated");
        await Task.Delay(TimeSpan.FromMilliseconds(300), Token);
        Assert.False(pending.IsCompleted, "A change of another key ended the long-poll.");

        await host.ChangeAsync("a:watched");
        using HttpResponseMessage response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);
        Assert.Equal(["a:watched"], json.GetProperty("changed").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Long_poll_returns_empty_changed_when_the_wait_elapses()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> before = await host.ChangeAsync("a:b");

        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await host.PostSyncAsync($$"""{"known": {"a:b": {{before[0].Version}}}, "waitMs": 300}""", Token);
        stopwatch.Stop();
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Empty(json.GetProperty("changed").EnumerateObject());
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Long_poll_answers_at_once_when_something_already_differs()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(endpoints: o => o.MaxLongPollWait = TimeSpan.FromMinutes(10));
        await host.ChangeAsync("a:b");

        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await host.PostSyncAsync("""{"known": {"a:b": 0}, "waitMs": 600000}""", Token);
        stopwatch.Stop();
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Equal(["a:b"], json.GetProperty("changed").EnumerateObject().Select(p => p.Name));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"The sync took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task Long_poll_wait_is_capped_by_the_options()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(endpoints: o => o.MaxLongPollWait = TimeSpan.FromMilliseconds(200));

        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await host.PostSyncAsync("""{"known": {"a:b": 0}, "wait": 600000}""", Token);
        stopwatch.Stop();
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Empty(json.GetProperty("changed").EnumerateObject());
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Long_poll_with_no_keys_waits_for_the_whole_wait()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await host.PostSyncAsync("""{"known": {}, "waitMs": 300}""", Token);
        stopwatch.Stop();
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Empty(json.GetProperty("changed").EnumerateObject());
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Long_poll_is_answered_when_the_app_stops()
    {
        TestServerHost host = await TestServerHost.StartAsync();
        await using (host)
        {
            Task<HttpResponseMessage> pending = host.PostSyncAsync("""{"known": {"a:b": 0}, "waitMs": 25000}""", Token);
            await Task.Delay(TimeSpan.FromMilliseconds(300), Token);
            Assert.False(pending.IsCompleted);

            var stopwatch = Stopwatch.StartNew();
            Task stopping = host.App.StopAsync(Token);
            using HttpResponseMessage response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Token);
            await stopping.WaitAsync(TimeSpan.FromSeconds(10), Token);

            JsonElement json = await TestServerHost.ReadJsonAsync(response);
            Assert.Empty(json.GetProperty("changed").EnumerateObject());
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Stopping took {stopwatch.Elapsed}.");
        }
    }

    [Fact]
    public async Task Other_methods_get_405()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        using HttpResponseMessage get = await host.Client.GetAsync("/signals/sync", Token);
        using HttpResponseMessage delete = await host.Client.DeleteAsync("/signals/sync", Token);
        using HttpResponseMessage post = await host.Client.PostAsync("/signals/events?key=a", null, Token);

        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Long_poll_ends_when_a_dispatcher_publishes_a_change_committed_by_another_instance()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        Task<HttpResponseMessage> pending = host.PostSyncAsync("""{"known": {"chat:room:general": 0}, "wait": 20000}""", Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Token);
        Assert.False(pending.IsCompleted);

        // What a dispatcher does with an outbox row another instance committed: publish it into this instance's hub.
        host.Hub.Publish(new SignalVersion(SignalKey.Parse("chat:room:general"), 1234, "abc", DateTimeOffset.FromUnixTimeMilliseconds(1_699_876_543_210)));
        using HttpResponseMessage response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Token);
        JsonElement entry = (await TestServerHost.ReadJsonAsync(response)).GetProperty("changed").GetProperty("chat:room:general");

        Assert.Equal(1234, entry.GetProperty("version").GetInt64());
        Assert.Equal("abc", entry.GetProperty("hash").GetString());
        Assert.Equal(1_699_876_543_210, entry.GetProperty("updatedAt").GetInt64());
    }

    [Fact]
    public async Task Reality_path_answers_an_unchanged_Reality_client_and_CORS_is_the_apps_choice()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s => s.AddCors(o => o.AddPolicy("reality-clients", p => p.WithOrigins("https://app.example").AllowAnyHeader().WithMethods("POST"))),
            map: app =>
            {
                app.UseCors();
                app.MapSignals();
                app.MapRealityCompatibility().RequireCors("reality-clients");
            });
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("todo:list");

        using HttpResponseMessage sync = await host.Client.PostAsync("/reality/sync", new StringContent(
            """{"known": {"todo:list": 0}, "clientId": "0f8fad5b-d9cb-469f-a165-70867728950e", "mode": "native", "hint": "mount", "timestamp": 1, "wait": 0}""",
            Encoding.UTF8, "application/json"), Token);
        Assert.Equal(v[0].Version, (await TestServerHost.ReadJsonAsync(sync)).GetProperty("changed").GetProperty("todo:list").GetProperty("version").GetInt64());

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/reality/sync");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using HttpResponseMessage allowed = await host.Client.SendAsync(preflight, Token);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(["https://app.example"], allowed.Headers.GetValues("Access-Control-Allow-Origin"));

        using HttpResponseMessage get = await host.Client.GetAsync("/reality/sync", Token);
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }
}
