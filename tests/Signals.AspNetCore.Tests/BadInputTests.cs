using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>One server, small limits (4,096-byte bodies, 5 keys), and every kind of bad input: each is a 4xx problem and changes nothing.</summary>
public sealed class BadInputTests(BadInputTests.Host fixture) : IClassFixture<BadInputTests.Host>
{
    public const int MaxKeys = 5;
    public const int MaxBody = 4096;

    public static TheoryData<string, string?, string, int, string, string> SyncCases => new()
    {
        // name, content type, body, status, problem type, text the detail must contain
        { "malformed JSON", "application/json", """{"known": {""", 400, SignalsProblemTypes.MalformedJson, "not well-formed JSON" },
        { "not JSON", "application/json", "hello", 400, SignalsProblemTypes.MalformedJson, "line 1" },
        { "empty body", "application/json", "", 400, SignalsProblemTypes.MalformedJson, "body is empty" },
        { "trailing content", "application/json", """{"known": {}} x""", 400, SignalsProblemTypes.MalformedJson, "not well-formed" },
        { "two values", "application/json", """{"known": {}} {}""", 400, SignalsProblemTypes.MalformedJson, "not well-formed" },
        { "comment", "application/json", """{"known": {} /* hi */}""", 400, SignalsProblemTypes.MalformedJson, "not well-formed" },
        { "control character in key", "application/json", """{"known": {"a:\u0001": 1}}""", 400, SignalsProblemTypes.InvalidKey, "U+0001" },
        { "whitespace only", "application/json", "  ", 400, SignalsProblemTypes.MalformedJson, "not well-formed" },
        { "root array", "application/json", "[]", 400, SignalsProblemTypes.InvalidRequest, "must be a JSON object" },
        { "root string", "application/json", "\"known\"", 400, SignalsProblemTypes.InvalidRequest, "must be a JSON object" },
        { "known missing", "application/json", "{}", 400, SignalsProblemTypes.InvalidRequest, "'known' is required" },
        { "known misspelt", "application/json", """{"Known": {}}""", 400, SignalsProblemTypes.InvalidRequest, "'known' is required" },
        { "known array", "application/json", """{"known": []}""", 400, SignalsProblemTypes.InvalidRequest, "'known' must be an object" },
        { "known null", "application/json", """{"known": null}""", 400, SignalsProblemTypes.InvalidRequest, "not null" },
        { "known twice", "application/json", """{"known": {}, "known": {}}""", 400, SignalsProblemTypes.InvalidRequest, "more than once" },
        { "negative version", "application/json", """{"known": {"a:b": -1}}""", 400, SignalsProblemTypes.InvalidVersion, "\"a:b\"" },
        { "fractional version", "application/json", """{"known": {"a:b": 1.5}}""", 400, SignalsProblemTypes.InvalidVersion, "the number 1.5" },
        { "exponent version", "application/json", """{"known": {"a:b": 1e3}}""", 400, SignalsProblemTypes.InvalidVersion, "1e3" },
        { "huge version", "application/json", """{"known": {"a:b": 99999999999999999999}}""", 400, SignalsProblemTypes.InvalidVersion, "99999999999999999999" },
        { "string version", "application/json", """{"known": {"a:b": "5"}}""", 400, SignalsProblemTypes.InvalidVersion, "the string \"5\"" },
        { "null version", "application/json", """{"known": {"a:b": null}}""", 400, SignalsProblemTypes.InvalidVersion, "not null" },
        { "key with space", "application/json", """{"known": {"bad key": 1}}""", 400, SignalsProblemTypes.InvalidKey, "position 3" },
        { "empty key", "application/json", """{"known": {"": 1}}""", 400, SignalsProblemTypes.InvalidKey, "must not be empty" },
        { "key with empty segment", "application/json", """{"known": {"a::b": 1}}""", 400, SignalsProblemTypes.InvalidKey, "position 2" },
        { "key too long", "application/json", "{\"known\": {\"a:" + new string('x', 600) + "\": 1}}", 400, SignalsProblemTypes.InvalidKey, "at most 512 UTF-8 bytes" },
        { "duplicate key", "application/json", """{"known": {"a:b": 1, "a:b": 2}}""", 400, SignalsProblemTypes.InvalidRequest, "more than once" },
        { "duplicate key, escaped", "application/json", """{"known": {"a:b": 1, "a\u003Ab": 2}}""", 400, SignalsProblemTypes.InvalidRequest, "more than once" },
        { "too many keys", "application/json", """{"known": {"a:1": 0, "a:2": 0, "a:3": 0, "a:4": 0, "a:5": 0, "a:6": 0}}""", 400, SignalsProblemTypes.TooManyKeys, "at most 5 are allowed per request (SignalsOptions.MaxKeysPerSubscription)" },
        { "clientId not a UUID", "application/json", """{"known": {}, "clientId": "me"}""", 400, SignalsProblemTypes.InvalidRequest, "'clientId'" },
        { "clientId number", "application/json", """{"known": {}, "clientId": 42}""", 400, SignalsProblemTypes.InvalidRequest, "'clientId'" },
        { "unknown mode", "application/json", """{"known": {}, "mode": "turbo"}""", 400, SignalsProblemTypes.InvalidRequest, "\"sse-compat\"" },
        { "mode wrong case", "application/json", """{"known": {}, "mode": "Native"}""", 400, SignalsProblemTypes.InvalidRequest, "'mode'" },
        { "hint number", "application/json", """{"known": {}, "hint": 5}""", 400, SignalsProblemTypes.InvalidRequest, "'hint'" },
        { "negative wait", "application/json", """{"known": {}, "wait": -1}""", 400, SignalsProblemTypes.InvalidRequest, "'wait'" },
        { "fractional wait", "application/json", """{"known": {}, "wait": 0.5}""", 400, SignalsProblemTypes.InvalidRequest, "'wait'" },
        { "waitMs string", "application/json", """{"known": {}, "waitMs": "soon"}""", 400, SignalsProblemTypes.InvalidRequest, "'waitMs'" },
        { "waitMs too large", "application/json", """{"known": {}, "waitMs": 2147483648}""", 400, SignalsProblemTypes.InvalidRequest, "'waitMs'" },
        { "timestamp fractional", "application/json", """{"known": {}, "timestamp": 1.5}""", 400, SignalsProblemTypes.InvalidRequest, "'timestamp'" },
        { "deeply nested unknown field", "application/json", $$"""{"known": {}, "x": {{new string('[', 100)}}{{new string(']', 100)}}}""", 400, SignalsProblemTypes.MalformedJson, "depth" },
        { "text/plain", "text/plain", """{"known": {}}""", 415, SignalsProblemTypes.UnsupportedMediaType, "\"text/plain\"" },
        { "form", "application/x-www-form-urlencoded", "known=1", 415, SignalsProblemTypes.UnsupportedMediaType, "application/json" },
        { "no content type", null, """{"known": {}}""", 415, SignalsProblemTypes.UnsupportedMediaType, "no Content-Type" },
        { "latin-1 JSON", "application/json; charset=iso-8859-1", """{"known": {}}""", 415, SignalsProblemTypes.UnsupportedMediaType, "iso-8859-1" },
        { "body too large", "application/json", $$"""{"known": {}, "pad": "{{new string('x', MaxBody)}}"}""", 413, SignalsProblemTypes.BodyTooLarge, "larger than 4096 bytes, the most this endpoint accepts (SignalsEndpointOptions.MaxRequestBodySize)" },
    };

    public static TheoryData<string, string, string?, string, string> EventsCases => new()
    {
        // name, query, Last-Event-ID, problem type, text the detail must contain
        { "no key", "", null, SignalsProblemTypes.InvalidRequest, "at least one key" },
        { "empty key", "?key=", null, SignalsProblemTypes.InvalidKey, "must not be empty" },
        { "invalid key", "?key=a:b&key=bad%20key", null, SignalsProblemTypes.InvalidKey, "position 3" },
        { "too many keys", "?key=a:1&key=a:2&key=a:3&key=a:4&key=a:5&key=a:6", null, SignalsProblemTypes.TooManyKeys, "at most 5" },
        { "cursor not a number", "?key=a:b", "abc", SignalsProblemTypes.InvalidCursor, "Last-Event-ID" },
        { "cursor negative (query)", "?key=a:b&lastEventId=-1", null, SignalsProblemTypes.InvalidCursor, "'lastEventId'" },
        { "cursor too large (query)", "?key=a:b&lastEventId=99999999999999999999", null, SignalsProblemTypes.InvalidCursor, "'lastEventId'" },
        { "cursor given twice (query)", "?key=a:b&lastEventId=1&lastEventId=2", null, SignalsProblemTypes.InvalidCursor, "\"1,2\"" },
        { "no key, other parameters", "?keys=a:b&k=a:b", null, SignalsProblemTypes.InvalidRequest, "at least one key" },
        { "Reality-style cursor", "?key=a:b", "5:abc", SignalsProblemTypes.InvalidCursor, "\"5:abc\"" },
        { "cursor highest below resume", "?key=a:b", "5-3", SignalsProblemTypes.InvalidCursor, "'C' or 'C-H', integers with 0 <= C <= H" },
        { "cursor highest missing", "?key=a:b", "5-", SignalsProblemTypes.InvalidCursor, "\"5-\"" },
        { "cursor resume missing", "?key=a:b", "-5", SignalsProblemTypes.InvalidCursor, "\"-5\"" },
        { "cursor with three parts", "?key=a:b", "1-2-3", SignalsProblemTypes.InvalidCursor, "\"1-2-3\"" },
        { "cursor with an empty epoch", "?key=a:b", "5.", SignalsProblemTypes.InvalidCursor, "\"5.\"" },
        { "cursor with a malformed epoch", "?key=a:b", "5-6.AB-c", SignalsProblemTypes.InvalidCursor, "'.E' (the server's epoch" },
        { "cursor with the epoch first", "?key=a:b", "ab12.5", SignalsProblemTypes.InvalidCursor, "\"ab12.5\"" },
        { "cursor with a space", "?key=a:b", "1- 2", SignalsProblemTypes.InvalidCursor, "Last-Event-ID" },
        { "cursor highest too large (query)", "?key=a:b&lastEventId=1-99999999999999999999", null, SignalsProblemTypes.InvalidCursor, "'lastEventId'" },
    };

    public static TheoryData<string, string, string> ValuesCases => new()
    {
        // name, path after /signals/values/, problem type
        { "no key", "", SignalsProblemTypes.InvalidKey },
        { "empty segment", "a::b", SignalsProblemTypes.InvalidKey },
        { "space in the namespace", "a%20b:c", SignalsProblemTypes.InvalidKey },
        { "line break", "a:b%0Aid:%201", SignalsProblemTypes.InvalidKey },
        { "non-canonical escape", "a:b%253a", SignalsProblemTypes.InvalidKey },
        { "too long", "a:" + new string('x', 600), SignalsProblemTypes.InvalidKey },
    };

    public static TheoryData<string, string> WrongMethods => new()
    {
        { "GET", "/signals/sync" },
        { "PUT", "/signals/sync" },
        { "DELETE", "/signals/sync" },
        { "PATCH", "/signals/sync" },
        { "POST", "/signals/events?key=a:b" },
        { "DELETE", "/signals/events?key=a:b" },
        { "POST", "/signals/values/a:b" },
        { "PUT", "/signals/values/a:b" },
        { "DELETE", "/signals/values/a:b" },
        { "POST", "/signals/catalog" },
    };

    [Theory]
    [MemberData(nameof(ValuesCases))]
    public async Task Values_reject_invalid_keys_with_a_problem(string name, string path, string type)
    {
        Assert.NotNull(name);
        using HttpResponseMessage response = await fixture.Server.Client.GetAsync("/signals/values/" + path, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, 400, type, "in the path");
    }

    [Theory]
    [MemberData(nameof(WrongMethods))]
    public async Task Wrong_methods_get_405_and_change_nothing(string method, string path)
    {
        long cursor = fixture.Server.Hub.Cursor;
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("""{"known": {"a:b": 0}}""", Encoding.UTF8, "application/json") };

        using HttpResponseMessage response = await fixture.Server.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(cursor, fixture.Server.Hub.Cursor);
    }

    [Theory]
    [MemberData(nameof(SyncCases))]
    public async Task Sync_rejects_bad_input_with_a_problem_and_changes_nothing(
        string name, string? contentType, string body, int status, string type, string detail)
    {
        Assert.NotNull(name);
        long cursor = fixture.Server.Hub.Cursor;
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using HttpResponseMessage response = await fixture.Server.Client.PostAsync("/signals/sync", content, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, status, type, detail);
        Assert.Equal(cursor, fixture.Server.Hub.Cursor);
    }

    [Fact]
    public async Task Sync_rejects_a_body_that_is_not_UTF8()
    {
        long cursor = fixture.Server.Hub.Cursor;
        byte[] body = [.. "{\"known\": {\"a:"u8, 0xC3, 0x28, .. "\": 1}}"u8];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using HttpResponseMessage response = await fixture.Server.Client.PostAsync("/signals/sync", content, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, 400, SignalsProblemTypes.MalformedJson, "UTF-8");
        Assert.Equal(cursor, fixture.Server.Hub.Cursor);
    }

    [Fact]
    public async Task Sync_rejects_a_chunked_body_that_grows_past_the_limit()
    {
        long cursor = fixture.Server.Hub.Cursor;
        byte[] body = Encoding.UTF8.GetBytes($$"""{"known": {}, "pad": "{{new string('x', MaxBody * 4)}}"}""");
        using var content = new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using HttpResponseMessage response = await fixture.Server.Client.PostAsync("/signals/sync", content, TestContext.Current.CancellationToken);

        Assert.Null(response.RequestMessage?.Content?.Headers.ContentLength);
        await AssertProblemAsync(response, 413, SignalsProblemTypes.BodyTooLarge, "4096 bytes");
        Assert.Equal(cursor, fixture.Server.Hub.Cursor);
    }

    [Fact]
    public async Task Sync_accepts_exactly_the_limits()
    {
        string keys = string.Join(", ", Enumerable.Range(1, MaxKeys).Select(i => $"\"a:{i}\": 0"));
        using HttpResponseMessage response = await fixture.Server.PostSyncAsync("{\"known\": {" + keys + "}}", TestContext.Current.CancellationToken);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);
        Assert.Empty(json.GetProperty("changed").EnumerateObject());
    }

    [Theory]
    [MemberData(nameof(EventsCases))]
    public async Task Events_rejects_bad_input_with_a_problem_before_the_stream_starts(
        string name, string query, string? lastEventId, string type, string detail)
    {
        Assert.NotNull(name);
        long cursor = fixture.Server.Hub.Cursor;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signals/events" + query);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using HttpResponseMessage response = await fixture.Server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, 400, type, detail);
        Assert.Equal(cursor, fixture.Server.Hub.Cursor);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string type, string detail)
        => Assert.Contains(detail, await TestServerHost.ReadProblemAsync(response, status, type), StringComparison.Ordinal);

    /// <summary>The shared server: one change recorded up front, so "the cursor did not move" is checked against a non-zero cursor.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public TestServerHost Server { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Server = await TestServerHost.StartAsync(
                endpoints: o => o.MaxRequestBodySize = MaxBody,
                signals: o => o.MaxKeysPerSubscription = MaxKeys);
            await Server.ChangeAsync("a:b");
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>A stream that hides its length, so <see cref="HttpClient"/> sends it chunked, without Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
