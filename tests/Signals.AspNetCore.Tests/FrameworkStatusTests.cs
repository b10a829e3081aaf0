using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// What the framework answers for the Signals endpoints (routing, authorization; rate limiting in <see cref="AuthorizationTests"/>) is problem+json with a Signals type,
/// like every other error; what Kestrel answers before any app code runs is not, and is documented as the boundary.
/// </summary>
public sealed class FrameworkStatusTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_method_on_a_Signals_path_is_405_problem_naming_the_allowed_methods()
    {
        await using TestServerHost host = await StartWithWritesAsync(app =>
        {
            app.MapSignals("/read-only");
            app.MapRealityCompatibility();
        });
        long cursor = host.Hub.Cursor;

        foreach ((string method, string path, string allowed) in new[]
        {
            ("GET", "/signals/sync", "POST"),
            ("DELETE", "/signals/sync", "POST"),
            ("HEAD", "/signals/sync", "POST"),
            ("POST", "/signals/events?key=a:b", "GET"),
            ("POST", "/signals/values/app:theme", "DELETE, GET, PUT"),
            ("PUT", "/read-only/values/app:theme", "GET"),
            ("PATCH", "/signals/catalog", "GET"),
            ("POST", "/signals/client.js", "GET"),
            ("GET", "/reality/sync", "POST"),
        })
        {
            using HttpResponseMessage response = await host.SendAsync(new HttpMethod(method), path, method == "GET" || method == "HEAD" ? null : "{}");
            Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow));
            if (method == "HEAD")
            {
                Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
                continue;
            }

            string detail = await TestServerHost.ReadProblemAsync(response, 405, SignalsProblemTypes.MethodNotAllowed);
            Assert.Contains(method, detail, StringComparison.Ordinal);
            Assert.Contains(allowed, detail, StringComparison.Ordinal);
        }

        Assert.Equal(cursor, host.Hub.Cursor);
    }

    [Fact]
    public async Task A_path_inside_the_prefix_that_no_endpoint_maps_is_404_problem_and_the_apps_own_endpoints_still_win()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(map: app =>
        {
            app.MapSignals();
            app.MapGet("/signals/status", () => "app's own");
        });

        foreach ((HttpMethod method, string path) in new[]
        {
            (HttpMethod.Get, "/signals"),
            (HttpMethod.Get, "/signals/"),
            (HttpMethod.Get, "/signals/evnets?key=a:b"),
            (HttpMethod.Post, "/signals/sync/extra"),
            (HttpMethod.Delete, "/signals/a/b/c.json"),
            (HttpMethod.Get, "/signals/no-such-module.js"),
        })
        {
            using HttpResponseMessage response = await host.SendAsync(method, path);
            string detail = await TestServerHost.ReadProblemAsync(response, 404, SignalsProblemTypes.NotFound);
            Assert.Contains("{prefix}/sync", detail, StringComparison.Ordinal);
        }

        using HttpResponseMessage own = await host.Client.GetAsync("/signals/status", Token);
        Assert.Equal("app's own", await own.Content.ReadAsStringAsync(Token));
        using HttpResponseMessage outside = await host.Client.GetAsync("/elsewhere", Token);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        Assert.Equal(0, outside.Content.Headers.ContentLength ?? 0);
    }

    [Fact]
    public async Task Unsupported_media_types_are_415_problem_on_sync_and_value_writes()
    {
        await using TestServerHost host = await StartWithWritesAsync();

        foreach ((HttpMethod method, string path) in new[] { (HttpMethod.Post, "/signals/sync"), (HttpMethod.Put, "/signals/values/app:theme") })
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent("""{"known": {}}""", Encoding.UTF8, "text/plain") };
            TestAuthentication.Apply(request, "ada", "writer");
            using HttpResponseMessage response = await host.Client.SendAsync(request, Token);
            Assert.Contains("text/plain", await TestServerHost.ReadProblemAsync(response, 415, SignalsProblemTypes.UnsupportedMediaType), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_groups_authorization_answers_401_and_403_as_problems()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s =>
            {
                TestAuthentication.AddTo(s);
                s.AddAuthorization(o => o.AddPolicy("agents", p => p.RequireRole("agent")));
            },
            map: app => app.MapSignals().RequireAuthorization("agents"));

        foreach ((HttpMethod method, string path, string? body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Post, "/signals/sync", """{"known": {}}"""),
            (HttpMethod.Get, "/signals/events?key=a:b", null),
            (HttpMethod.Get, "/signals/values/a:b", null),
            (HttpMethod.Get, "/signals/catalog", null),
            (HttpMethod.Get, "/signals/sync", null),
            (HttpMethod.Get, "/signals/nothing-here", null),
        })
        {
            using HttpResponseMessage anonymous = await host.SendAsync(method, path, body);
            using HttpResponseMessage signedIn = await host.SendAsync(method, path, body, user: "ada");

            Assert.Contains("authenticated", await TestServerHost.ReadProblemAsync(anonymous, 401, SignalsProblemTypes.Unauthorized), StringComparison.Ordinal);
            Assert.Contains("denied", await TestServerHost.ReadProblemAsync(signedIn, 403, SignalsProblemTypes.Forbidden), StringComparison.Ordinal);
        }

        using HttpResponseMessage agent = await host.SendAsync(HttpMethod.Post, "/signals/sync", """{"known": {}}""", user: "bond", roles: "agent");
        await TestServerHost.ReadJsonAsync(agent);
    }

    [Fact]
    public async Task Ten_thousand_keys_in_a_query_are_Kestrels_414_without_a_body_or_Signals_400_past_Kestrels_limit()
    {
        string query = string.Join('&', Enumerable.Range(0, 10_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"key=chat:room:r{i}")));

        // Kestrel's request line limit (8 KiB) answers before any app code runs: the status is all there is (the documented boundary).
        await using (TestServerHost host = await TestServerHost.StartAsync())
        {
            (int status, string contentType, string body) = await SendRawAsync(host.BaseAddress, "/signals/events?" + query);
            Assert.Equal(StatusCodes.Status414UriTooLong, status);
            Assert.Equal("", contentType);
            Assert.Equal("", body);
        }

        // An app that raises Kestrel's limit gets Signals' own limit, MaxKeysPerSubscription (1,000), as a problem.
        await using (TestServerHost host = await TestServerHost.StartAsync(services: s => s.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestLineSize = 1024 * 1024)))
        {
            (int status, string contentType, string body) = await SendRawAsync(host.BaseAddress, "/signals/events?" + query);
            Assert.Equal(StatusCodes.Status400BadRequest, status);
            Assert.Equal("application/problem+json", contentType);
            Assert.Contains(SignalsProblemTypes.TooManyKeys, body, StringComparison.Ordinal);
        }
    }

    /// <summary>A server with <c>MapSignals().MapSignalValueWrites("writers")</c>, and whatever else <paramref name="map"/> maps.</summary>
    private static Task<TestServerHost> StartWithWritesAsync(Action<WebApplication>? map = null) => TestServerHost.StartAsync(
        services: s =>
        {
            TestAuthentication.AddTo(s);
            s.AddAuthorization(o => o.AddPolicy("writers", p => p.RequireRole("writer")));
        },
        map: app =>
        {
            app.MapSignals().MapSignalValueWrites("writers");
            map?.Invoke(app);
        });

    /// <summary>
    /// Sends a GET over a raw HTTP/1.0 connection (the URL is longer than <see cref="Uri"/> takes) and reads the whole answer: status,
    /// Content-Type and body (HTTP/1.0: not chunked, ended by the server closing the connection).
    /// </summary>
    private static async Task<(int Status, string ContentType, string Body)> SendRawAsync(Uri server, string pathAndQuery)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, Token);
        NetworkStream stream = client.GetStream();
        Task<byte[]> reading = ReadToEndAsync(stream);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.0\r\nHost: {server.Authority}\r\n\r\n"), Token);
        }
        catch (IOException)
        {
            // The server may close the connection before it read the whole request: its answer is what counts.
        }

        string response = Encoding.UTF8.GetString(await reading);
        int headersEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string[] head = response[..headersEnd].Split("\r\n");
        string contentType = head.Skip(1).Select(static h => h.Split(':', 2)).Where(static h => h[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            .Select(static h => h[1].Trim().Split(';')[0]).SingleOrDefault() ?? "";
        return (int.Parse(head[0].Split(' ')[1], CultureInfo.InvariantCulture), contentType, response[(headersEnd + 4)..]);
    }

    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream)
    {
        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, Token);
        }
        catch (IOException) when (buffer.Length > 0)
        {
            // A reset after the answer arrived (the server closed with part of the request unread).
        }

        return buffer.ToArray();
    }
}
