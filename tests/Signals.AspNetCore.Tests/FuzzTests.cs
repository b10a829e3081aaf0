using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.AspNetCore.Authorization;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// 10,000 generated and mutated requests (seeded, so a failure replays) against every endpoint of a real Kestrel server, over reused
/// connections: not one may be answered with a 5xx, and none may change anything.
/// </summary>
public sealed class FuzzTests
{
    private const int Requests = 10_000;
    private const int Workers = 4;
    private const int Seed = 20_240_501;

    private static readonly string[] KeyPool =
    [
        "chat:room:general", "chat:room:random", "chat:rooms", "app:theme", "app:counter:likes", "secret:1", "chat:room:a%3Ab", "chat:room:x%0Ay",
        "a:b", "chat", "chat:room", "chat:room:general:extra", "CHAT:room:general", "chat:room:", ":chat", "chat::room", "chat:room:%", "chat:room:%zz",
        "chat:room:a b", "chat:room:\n", "chat:room:é", "chat:room:" + new string('x', 600), "", "secret:2", "app:counter:a%3Ab",
    ];

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u0000", "\\ud800", "1e999", "-0", "-1", "0.5", "99999999999999999999999", "null", "true",
        "\"known\"", "\"wait\"", "\"waitMs\"", "/*", "//", "\u00e9", "\r\n", "\u2028",
    ];

    /// <summary>The tokens a header can carry (HTTP clients refuse line breaks and non-ASCII text in headers).</summary>
    private static readonly string[] HeaderTokens = [.. Tokens.Where(t => t.All(c => c is >= ' ' and < (char)127))];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/problem+json", "text/plain", "application/json; charset=latin1", "multipart/form-data; boundary=x", "",
    ];

    /// <summary>Denies the <c>secret</c> namespace to everyone but role <c>agent</c>, which the fuzzer never has.</summary>
    private sealed class SecretAuthorizer : ISignalAuthorizer
    {
        public ValueTask<bool> IsAllowedAsync(SignalAuthorizationContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(context.Key.Namespace != "secret" || context.User.IsInRole("agent"));
    }

    [Fact]
    public async Task Generated_and_mutated_requests_cause_no_server_error_and_no_state_change()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(90);
        await using TestServerHost host = await TestServerHost.StartAsync(
            endpoints: o =>
            {
                o.MaxRequestBodySize = 2048;
                o.MaxValueBodySize = 512;
                o.MaxLongPollWait = TimeSpan.FromMilliseconds(20);
            },
            signals: o => o.MaxKeysPerSubscription = 8,
            services: s =>
            {
                s.AddSingleton(new SignalCatalog([.. TestCatalog.Create().Descriptors, new SignalDescriptor("secret:{Id}", "Tests.Secret", SignalKind.Signal)]));
                TestAuthentication.AddTo(s);
                s.AddAuthorization(o => o.AddPolicy("writers", p => p.RequireRole("writer")));
                s.AddSignals().AddSignalAuthorizer<SecretAuthorizer>();
            },
            map: app =>
            {
                app.MapSignals().MapSignalValueWrites("writers");
                app.MapRealityCompatibility();
            });
        ISignalValueStore values = host.App.Services.GetRequiredService<ISignalValueStore>();
        await host.ChangeAsync("chat:room:general", "chat:rooms", "secret:1", "chat:room:a%3Ab");
        await values.SetAsync(SignalKey.Parse("app:theme"), JsonSerializer.SerializeToElement(new { mode = "dark" }), deadline.Token);
        await values.SetAsync(SignalKey.Parse("app:counter:likes"), JsonSerializer.SerializeToElement(new { count = 3 }), deadline.Token);
        string before = await SnapshotAsync(host, values, deadline.Token);

        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var statuses = new ConcurrentDictionary<int, int>();
        var problemTypes = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(Seed + worker);
            for (int i = 0; i < Requests / Workers && failures.IsEmpty; i++)
            {
                using HttpRequestMessage request = Generate(random, host.Hub);
                string description = $"worker {worker} request {i}: {request.Method} {request.RequestUri} {(request.Content is null ? "" : await request.Content.ReadAsStringAsync(deadline.Token))}";
                using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                int status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, static (_, n) => n + 1);
                if (status >= 500)
                {
                    failures.Enqueue($"{status} for {description}: {await response.Content.ReadAsStringAsync(deadline.Token)}");
                }
                else if (response.Content.Headers.ContentType?.MediaType == "application/problem+json" && request.Method != HttpMethod.Head)
                {
                    // (The answer to HEAD has the headers of the problem and, per HTTP, no body.)
                    using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token));
                    problemTypes.AddOrUpdate(problem.RootElement.GetProperty("type").GetString()!, 1, static (_, n) => n + 1);
                }
                else if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
                {
                    // Read every answer except open streams, which disposing the response ends.
                    await response.Content.ReadAsByteArrayAsync(deadline.Token);
                }
            }
        }, deadline.Token)));

        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.Equal(Requests, statuses.Values.Sum());
        Assert.Equal(before, await SnapshotAsync(host, values, deadline.Token));

        // The fuzzer reached every kind of answer, so a degenerate generator fails here rather than passing vacuously.
        string seen = string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine($"Statuses: {seen}\nProblems: {string.Join(", ", problemTypes.OrderBy(p => p.Key).Select(p => $"{p.Key[(p.Key.LastIndexOf('/') + 1)..]}: {p.Value}"))}");
        Assert.True(statuses.GetValueOrDefault(200) > Requests / 20, seen);
        Assert.True(statuses.Where(p => p.Key is >= 400 and < 500).Sum(p => p.Value) > Requests / 2, seen);
        foreach (int status in new[] { 401, 403, 404, 405, 413, 415 })
        {
            Assert.True(statuses.ContainsKey(status), $"No {status}: {seen}");
        }

        Assert.True(problemTypes.Count >= 10, string.Join(", ", problemTypes.Keys));
    }

    /// <summary>Everything a request could change: the hub's cursor, the version of every key in the pool, and the stored values.</summary>
    private static async Task<string> SnapshotAsync(TestServerHost host, ISignalValueStore values, CancellationToken cancellationToken)
    {
        var snapshot = new StringBuilder().Append(CultureInfo.InvariantCulture, $"cursor {host.Hub.Cursor}\n");
        foreach (string candidate in KeyPool)
        {
            if (SignalKey.TryParse(candidate, out SignalKey key))
            {
                SignalValue<JsonElement>? value = await values.GetAsync(key, cancellationToken);
                snapshot.Append(CultureInfo.InvariantCulture, $"{key} {(await host.Hub.GetVersionAsync(key, TestContext.Current.CancellationToken)).Version} {value?.Version} {value?.Value.GetRawText()}\n");
            }
        }

        return snapshot.ToString();
    }

    private static HttpRequestMessage Generate(Random random, SignalHub hub)
    {
        int kind = random.Next(100);
        if (kind < 45)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, random.Next(5) == 0 ? "/reality/sync" : "/signals/sync");
            byte[] body = Mutate(random, Encoding.UTF8.GetBytes(SyncBody(random, hub)));
            request.Content = new ByteArrayContent(body);
            string contentType = random.Next(10) < 8 ? "application/json" : Pick(random, ContentTypes);
            if (contentType.Length > 0)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            return request;
        }

        if (kind < 65)
        {
            var query = new StringBuilder("/signals/events?");
            int keys = random.Next(10) == 0 ? random.Next(20) : random.Next(1, 4);
            for (int i = 0; i < keys; i++)
            {
                query.Append("key=").Append(Uri.EscapeDataString(RandomKey(random))).Append('&');
            }

            var request = new HttpRequestMessage(HttpMethod.Get, query.ToString());
            switch (random.Next(4))
            {
                case 0:
                    request.Headers.TryAddWithoutValidation("Last-Event-ID", random.Next(3) == 0 ? Pick(random, HeaderTokens) : random.NextInt64(-5, long.MaxValue).ToString(CultureInfo.InvariantCulture));
                    break;
                case 1:
                    query.Append("lastEventId=").Append(Uri.EscapeDataString(random.Next(2) == 0 ? Pick(random, Tokens) : "9223372036854775807"));
                    request.RequestUri = new Uri(query.ToString(), UriKind.Relative);
                    break;
            }

            return request;
        }

        if (kind < 80)
        {
            return new HttpRequestMessage(HttpMethod.Get, "/signals/values/" + EscapePath(RandomKey(random)));
        }

        if (kind < 85)
        {
            return new HttpRequestMessage(HttpMethod.Get, "/signals/catalog");
        }

        if (kind < 95)
        {
            // Writes without the writer role: the policy refuses them before the body is read.
            var request = new HttpRequestMessage(random.Next(2) == 0 ? HttpMethod.Put : HttpMethod.Delete, "/signals/values/" + EscapePath(RandomKey(random)))
            {
                Content = new ByteArrayContent(Mutate(random, Encoding.UTF8.GetBytes("""{"mode":"light"}"""))),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            TestAuthentication.Apply(request, random.Next(2) == 0 ? null : "mallory", random.Next(2) == 0 ? null : "reader");
            return request;
        }

        HttpMethod method = Pick(random, [HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Head, HttpMethod.Options, HttpMethod.Post]);
        string path = Pick(random, ["/signals/sync", "/signals/events", "/signals/catalog", "/signals/values/app:theme", "/reality/sync", "/signals", "/signals/values"]);
        return new HttpRequestMessage(method, path);
    }

    private static string SyncBody(Random random, SignalHub hub)
    {
        var fields = new List<string>();
        if (random.Next(10) > 0)
        {
            var known = new List<string>();
            int keys = random.Next(10) == 0 ? random.Next(30) : random.Next(5);
            for (int i = 0; i < keys; i++)
            {
                string key = RandomKey(random);
                known.Add($"{JsonSerializer.Serialize(key)}: {RandomVersion(random, hub, key)}");
            }

            fields.Add($"\"known\": {(random.Next(20) == 0 ? Pick(random, ["[]", "null", "5", "\"x\""]) : "{" + string.Join(", ", known) + "}")}");
        }

        if (random.Next(2) == 0)
        {
            fields.Add($"\"clientId\": {Pick(random, ["\"0f8fad5b-d9cb-469f-a165-70867728950e\"", "\"me\"", "42", "null"])}");
        }

        if (random.Next(2) == 0)
        {
            fields.Add($"\"mode\": {Pick(random, ["\"native\"", "\"sse-compat\"", "\"polling-compat\"", "\"turbo\"", "1"])}");
        }

        if (random.Next(2) == 0)
        {
            fields.Add($"\"hint\": {Pick(random, ["\"mount\"", "\"focus\"", "\"idle\"", "\"Mount\"", "[]"])}");
        }

        if (random.Next(3) == 0)
        {
            fields.Add($"\"{Pick(random, ["wait", "waitMs", "timestamp"])}\": {Pick(random, ["0", "10", "30000", "-1", "1.5", "2147483648", "\"soon\"", "null"])}");
        }

        if (random.Next(5) == 0)
        {
            fields.Add($"\"{Pick(random, ["extra", "known", "wait"])}\": {Pick(random, ["{}", "[1, [2, {\"a\": null}]]", "\"x\""])}");
        }

        return "{" + string.Join(", ", fields) + "}";
    }

    private static string RandomVersion(Random random, SignalHub hub, string key) => random.Next(8) switch
    {
        0 => "-1",
        1 => "1.5",
        2 => "99999999999999999999",
        3 => Pick(random, ["\"5\"", "null", "true", "{}", "1e3"]),
        4 => "0",
        _ => (SignalKey.TryParse(key, out SignalKey parsed) && hub.TryGetHeldVersion(parsed, out SignalVersion held) ? held.Version + random.Next(-1, 2) : random.Next(100)).ToString(CultureInfo.InvariantCulture),
    };

    private static string RandomKey(Random random)
        => random.Next(4) == 0 ? "chat:room:" + (char)random.Next(0, 0x3000) + random.Next(1000).ToString(CultureInfo.InvariantCulture) : Pick(random, KeyPool);

    private static string EscapePath(string key) => string.Join("/", key.Split('/').Select(Uri.EscapeDataString));

    /// <summary>Leaves the body as it is half the time; otherwise applies one to four byte flips, cuts, token insertions or duplications.</summary>
    private static byte[] Mutate(Random random, byte[] body)
    {
        if (random.Next(2) == 0)
        {
            return body;
        }

        var bytes = new List<byte>(body);
        for (int i = random.Next(1, 5); i > 0; i--)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveRange(Math.Min(at, bytes.Count - 1), Math.Min(random.Next(1, 8), bytes.Count - Math.Min(at, bytes.Count - 1)));
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Pick(random, Tokens)));
                    break;
                case 3:
                    bytes.InsertRange(at, random.Next(2) == 0 ? [0xC3, 0x28] : [0xFF]);
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(0, Math.Min(at, bytes.Count)));
                    break;
            }
        }

        return [.. bytes];
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
