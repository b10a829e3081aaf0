using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.Protocol;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

public sealed class ValuesEndpointTests
{
    private const string Writers = "signal-writers";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A server whose value writes are mapped behind the <see cref="Writers"/> policy (role <c>writer</c>).</summary>
    private static Task<TestServerHost> StartWithWritesAsync(Action<IServiceCollection>? services = null, Action<SignalsEndpointOptions>? endpoints = null)
        => TestServerHost.StartAsync(
            endpoints: endpoints,
            services: s =>
            {
                services?.Invoke(s);
                TestAuthentication.AddTo(s);
                s.AddAuthorization(o => o.AddPolicy(Writers, p => p.RequireRole("writer")));
            },
            map: app => app.MapSignals().MapSignalValueWrites(Writers));

    private static ISignalValueStore Store(TestServerHost host) => host.App.Services.GetRequiredService<ISignalValueStore>();

    [Fact]
    public async Task Get_returns_key_version_hash_updatedAt_and_value()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        SignalKey key = SignalKey.Parse("app:theme");
        SignalValue<JsonElement> stored = await Store(host).SetAsync(key, JsonSerializer.SerializeToElement(new { mode = "dark", size = 3 }), Token);

        using HttpResponseMessage response = await host.Client.GetAsync("/signals/values/app:theme", Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Equal(["hash", "key", "updatedAt", "value", "version"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("app:theme", json.GetProperty("key").GetString());
        Assert.Equal(stored.Version, json.GetProperty("version").GetInt64());
        Assert.Equal(stored.State.Hash, json.GetProperty("hash").GetString());
        Assert.Equal(stored.State.UpdatedAt.ToUnixTimeMilliseconds(), json.GetProperty("updatedAt").GetInt64());
        Assert.Equal("""{"mode":"dark","size":3}""", json.GetProperty("value").GetRawText());
        Assert.True(response.Headers.CacheControl?.NoCache);

        // The value's version is the key's version everywhere: sync reports the same one.
        using HttpResponseMessage sync = await host.PostSyncAsync("""{"known": {"app:theme": 0}}""", Token);
        JsonElement synced = await TestServerHost.ReadJsonAsync(sync);
        Assert.Equal(stored.Version, synced.GetProperty("changed").GetProperty("app:theme").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Get_of_a_key_without_a_value_is_404_naming_the_key()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        using HttpResponseMessage response = await host.Client.GetAsync("/signals/values/app:theme", Token);

        string detail = await TestServerHost.ReadProblemAsync(response, 404, SignalsProblemTypes.ValueNotFound);
        Assert.Contains("\"app:theme\"", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_with_escaped_arguments_and_slashes_are_addressed_by_the_rest_of_the_path()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        SignalKey key = SignalKey.Create("app:counter", "a/b:c%d");
        Assert.Equal("app:counter:a/b%3Ac%25d", key.Value);
        await Store(host).SetAsync(key, JsonSerializer.SerializeToElement(7), Token);

        // '%' travels as %25; '/' as is.
        using HttpResponseMessage response = await host.Client.GetAsync("/signals/values/app:counter:a/b%253Ac%2525d", Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        Assert.Equal(key.Value, json.GetProperty("key").GetString());
        Assert.Equal(7, json.GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Keys_escaped_whole_as_the_clients_escape_them_are_found_slashes_included()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        SignalKey key = SignalKey.Create("app:counter", "a/b:c%d");
        await Store(host).SetAsync(key, JsonSerializer.SerializeToElement(7), Token);

        // As the .NET client (Uri.EscapeDataString) and client.js (encodeURIComponent) send it: '/' as %2F, which the server leaves escaped.
        string escaped = Uri.EscapeDataString(key.Value);
        Assert.Contains("%2F", escaped, StringComparison.Ordinal);
        using HttpResponseMessage response = await host.Client.GetAsync("/signals/values/" + escaped, Token);
        using HttpResponseMessage lowerCase = await host.Client.GetAsync("/signals/values/" + escaped.Replace("%2F", "%2f", StringComparison.Ordinal), Token);

        foreach (HttpResponseMessage answer in new[] { response, lowerCase })
        {
            JsonElement json = await TestServerHost.ReadJsonAsync(answer);
            Assert.Equal(key.Value, json.GetProperty("key").GetString());
            Assert.Equal(7, json.GetProperty("value").GetInt32());
        }
    }

    [Fact]
    public async Task Get_of_an_invalid_key_is_400_naming_it()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        using HttpResponseMessage response = await host.Client.GetAsync("/signals/values/app::theme", Token);

        string detail = await TestServerHost.ReadProblemAsync(response, 400, SignalsProblemTypes.InvalidKey);
        Assert.Contains("\"app::theme\"", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_are_not_mapped_unless_the_app_maps_them()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        using HttpResponseMessage put = await host.SendAsync(HttpMethod.Put, "/signals/values/app:theme", """{"mode":"light"}""");
        using HttpResponseMessage delete = await host.SendAsync(HttpMethod.Delete, "/signals/values/app:theme");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Null(await Store(host).GetAsync(SignalKey.Parse("app:theme"), Token));
    }

    [Fact]
    public async Task Writes_require_the_policy()
    {
        await using TestServerHost host = await StartWithWritesAsync();
        long cursor = host.Hub.Cursor;

        using HttpResponseMessage anonymous = await host.SendAsync(HttpMethod.Put, "/signals/values/app:theme", """{"mode":"light"}""");
        using HttpResponseMessage reader = await host.SendAsync(HttpMethod.Put, "/signals/values/app:theme", """{"mode":"light"}""", user: "ada", roles: "reader");
        using HttpResponseMessage deleteByReader = await host.SendAsync(HttpMethod.Delete, "/signals/values/app:theme", user: "ada", roles: "reader");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, deleteByReader.StatusCode);
        Assert.Equal(cursor, host.Hub.Cursor);
        Assert.Null(await Store(host).GetAsync(SignalKey.Parse("app:theme"), Token));
    }

    [Fact]
    public async Task Put_stores_the_value_bumps_the_version_once_and_reaches_streams()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await StartWithWritesAsync();
        await using SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=app:theme", deadline.Token);

        using HttpResponseMessage put = await host.SendAsync(HttpMethod.Put, "/signals/values/app:theme", """{ "mode" : "light" }""", user: "ada", roles: "writer");
        JsonElement written = await TestServerHost.ReadJsonAsync(put);
        long version = written.GetProperty("version").GetInt64();
        Assert.Equal("""{"mode":"light"}""", written.GetProperty("value").GetRawText());
        Assert.Equal(SignalValueHash.Compute(JsonSerializer.SerializeToElement(new { mode = "light" })), written.GetProperty("hash").GetString());

        var pushed = await events.NextAsync();
        Assert.Equal(version, SseEventId.Highest(pushed.EventId));

        // The same value again (other whitespace) changes nothing.
        using HttpResponseMessage again = await host.SendAsync(HttpMethod.Put, "/signals/values/app:theme", """{"mode":"light"}""", user: "ada", roles: "writer");
        Assert.Equal(version, (await TestServerHost.ReadJsonAsync(again)).GetProperty("version").GetInt64());
        Assert.Equal(version, host.Hub.Cursor);

        using HttpResponseMessage read = await host.Client.GetAsync("/signals/values/app:theme", Token);
        Assert.Equal("light", (await TestServerHost.ReadJsonAsync(read)).GetProperty("value").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_value_and_a_second_delete_is_404()
    {
        await using TestServerHost host = await StartWithWritesAsync();
        SignalValue<JsonElement> stored = await Store(host).SetAsync(SignalKey.Parse("app:theme"), JsonSerializer.SerializeToElement("dark"), Token);

        using HttpResponseMessage deleted = await host.SendAsync(HttpMethod.Delete, "/signals/values/app:theme", user: "ada", roles: "writer");
        using HttpResponseMessage again = await host.SendAsync(HttpMethod.Delete, "/signals/values/app:theme", user: "ada", roles: "writer");
        using HttpResponseMessage read = await host.Client.GetAsync("/signals/values/app:theme", Token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await TestServerHost.ReadProblemAsync(again, 404, SignalsProblemTypes.ValueNotFound);
        await TestServerHost.ReadProblemAsync(read, 404, SignalsProblemTypes.ValueNotFound);
        Assert.True((await host.Hub.GetVersionAsync(SignalKey.Parse("app:theme"), TestContext.Current.CancellationToken)).Version > stored.Version);
    }

    public static TheoryData<string, string?, string, int, string, string> BadWrites => new()
    {
        // name, content type, body, status, problem type, text the detail must contain
        { "null", "application/json", "null", 400, SignalsProblemTypes.InvalidRequest, "cannot be null" },
        { "empty", "application/json", "", 400, SignalsProblemTypes.MalformedJson, "empty" },
        { "malformed", "application/json", """{"mode": """, 400, SignalsProblemTypes.MalformedJson, "not well-formed" },
        { "two values", "application/json", "1 2", 400, SignalsProblemTypes.MalformedJson, "not well-formed" },
        { "too deep", "application/json", new string('[', 70) + new string(']', 70), 400, SignalsProblemTypes.MalformedJson, "depth" },
        { "lone surrogate", "application/json", "\"\\ud800\"", 400, SignalsProblemTypes.MalformedJson, "UTF-8" },
        { "text/plain", "text/plain", "1", 415, SignalsProblemTypes.UnsupportedMediaType, "\"text/plain\"" },
        { "too large", "application/json", "\"" + new string('x', 300) + "\"", 413, SignalsProblemTypes.BodyTooLarge, "MaxValueBodySize" },
    };

    [Theory]
    [MemberData(nameof(BadWrites))]
    public async Task Bad_writes_are_problems_and_store_nothing(string name, string? contentType, string body, int status, string type, string detail)
    {
        Assert.NotNull(name);
        await using TestServerHost host = await StartWithWritesAsync(endpoints: o => o.MaxValueBodySize = 256);
        long cursor = host.Hub.Cursor;
        using var request = new HttpRequestMessage(HttpMethod.Put, "/signals/values/app:theme") { Content = new StringContent(body) };
        request.Content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        TestAuthentication.Apply(request, "ada", "writer");

        using HttpResponseMessage response = await host.Client.SendAsync(request, Token);

        Assert.Contains(detail, await TestServerHost.ReadProblemAsync(response, status, type), StringComparison.Ordinal);
        Assert.Equal(cursor, host.Hub.Cursor);
        Assert.Null(await Store(host).GetAsync(SignalKey.Parse("app:theme"), Token));
    }

    [Fact]
    public async Task With_a_catalog_only_value_signals_have_values()
    {
        await using TestServerHost host = await StartWithWritesAsync(services: TestCatalog.AddTo);

        using HttpResponseMessage family = await host.Client.GetAsync("/signals/values/chat:room:general", Token);
        using HttpResponseMessage unknown = await host.Client.GetAsync("/signals/values/app:colour", Token);
        using HttpResponseMessage write = await host.SendAsync(HttpMethod.Put, "/signals/values/chat:rooms", "1", user: "ada", roles: "writer");
        using HttpResponseMessage counter = await host.SendAsync(HttpMethod.Put, "/signals/values/app:counter:likes", """{"count": 1}""", user: "ada", roles: "writer");

        Assert.Contains("chat:room:{RoomId}", await TestServerHost.ReadProblemAsync(family, 400, SignalsProblemTypes.NotAValueSignal), StringComparison.Ordinal);
        Assert.Contains("\"app:colour\"", await TestServerHost.ReadProblemAsync(unknown, 400, SignalsProblemTypes.UnknownSignal), StringComparison.Ordinal);
        await TestServerHost.ReadProblemAsync(write, 400, SignalsProblemTypes.NotAValueSignal);
        Assert.Equal(1, (await TestServerHost.ReadJsonAsync(counter)).GetProperty("value").GetProperty("count").GetInt32());
    }
}
