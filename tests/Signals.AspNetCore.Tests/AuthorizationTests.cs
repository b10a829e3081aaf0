using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Signals.AspNetCore.Authorization;
using Signals.Protocol;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

public sealed class AuthorizationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Namespace <c>secret</c> is for role <c>agent</c>; nobody may write <c>app:locked</c>.</summary>
    private sealed class SecretAuthorizer : ISignalAuthorizer
    {
        public ValueTask<bool> IsAllowedAsync(SignalAuthorizationContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(
                (context.Key.Namespace != "secret" || context.User.IsInRole("agent"))
                && !(context.Operation == SignalOperation.Write && context.Key.Value == "app:locked"));
    }

    private static Task<TestServerHost> StartAsync(Action<SignalsEndpointOptions>? endpoints = null) => TestServerHost.StartAsync(
        endpoints: endpoints,
        services: s =>
        {
            TestAuthentication.AddTo(s);
            s.AddAuthorization(o =>
            {
                o.AddPolicy("writers", p => p.RequireRole("writer"));
                o.AddPolicy("own-profile", p => p.RequireAssertion(c => c.Resource is SignalKey key && key.GetSegments()[^1] == c.User.Identity?.Name));
            });
            s.AddSignals().AddSignalAuthorizer<SecretAuthorizer>();
        },
        map: app => app.MapSignals().MapSignalValueWrites("writers"));

    [Fact]
    public async Task Group_can_require_authorization()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s =>
            {
                TestAuthentication.AddTo(s);
                s.AddAuthorization();
            },
            map: app => app.MapSignals().RequireAuthorization());

        foreach ((HttpMethod method, string path, string? body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Post, "/signals/sync", """{"known": {}}"""),
            (HttpMethod.Get, "/signals/events?key=a:b", null),
            (HttpMethod.Get, "/signals/values/a:b", null),
            (HttpMethod.Get, "/signals/catalog", null),
        })
        {
            using HttpResponseMessage anonymous = await host.SendAsync(method, path, body);
            Assert.True(HttpStatusCode.Unauthorized == anonymous.StatusCode, $"{method} {path}: {anonymous.StatusCode}");
        }

        using HttpResponseMessage signedIn = await host.SendAsync(HttpMethod.Post, "/signals/sync", """{"known": {}}""", user: "ada");
        await TestServerHost.ReadJsonAsync(signedIn);
    }

    [Fact]
    public async Task Group_can_be_rate_limited()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s => s.AddRateLimiter(o =>
            {
                o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                o.AddFixedWindowLimiter("signals", w =>
                {
                    w.PermitLimit = 2;
                    w.Window = TimeSpan.FromHours(1);
                    w.QueueLimit = 0;
                });
            }),
            map: app =>
            {
                app.UseRateLimiter();
                app.MapSignals().RequireRateLimiting("signals");
            });

        HttpStatusCode[] statuses = new HttpStatusCode[3];
        for (int i = 0; i < statuses.Length; i++)
        {
            using HttpResponseMessage response = await host.PostSyncAsync("""{"known": {}}""", Token);
            statuses[i] = response.StatusCode;
            if (i == statuses.Length - 1)
            {
                // The limiter writes no body; the Signals group answers it as a problem like every other error.
                await TestServerHost.ReadProblemAsync(response, 429, SignalsProblemTypes.TooManyRequests);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Sync_with_a_denied_key_is_403_and_reveals_no_version()
    {
        await using TestServerHost host = await StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("secret:plan", "public:news");
        string version = v[0].Version.ToString(CultureInfo.InvariantCulture);
        const string body = """{"known": {"public:news": 0, "secret:plan": 0}}""";

        using HttpResponseMessage denied = await host.SendAsync(HttpMethod.Post, "/signals/sync", body, user: "ada");
        using HttpResponseMessage longPoll = await host.SendAsync(HttpMethod.Post, "/signals/sync", $$"""{"known": {"secret:plan": {{version}}}, "waitMs": 20000}""", user: "ada");
        using HttpResponseMessage allowed = await host.SendAsync(HttpMethod.Post, "/signals/sync", body, user: "bond", roles: "agent");

        string detail = await TestServerHost.ReadProblemAsync(denied, 403, SignalsProblemTypes.Forbidden);
        Assert.Contains("\"secret:plan\"", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(version, await denied.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        await TestServerHost.ReadProblemAsync(longPoll, 403, SignalsProblemTypes.Forbidden);
        JsonElement json = await TestServerHost.ReadJsonAsync(allowed);
        Assert.Equal(v[0].Version, json.GetProperty("changed").GetProperty("secret:plan").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Events_with_a_denied_key_are_403_before_the_stream_starts()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("secret:plan");

        using HttpResponseMessage denied = await host.SendAsync(HttpMethod.Get, "/signals/events?key=public:news&key=secret:plan", user: "ada");
        Assert.Contains("\"secret:plan\"", await TestServerHost.ReadProblemAsync(denied, 403, SignalsProblemTypes.Forbidden), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/signals/events?key=secret:plan");
        TestAuthentication.Apply(request, "bond", "agent");
        using HttpResponseMessage allowed = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        await using Stream stream = await allowed.Content.ReadAsStreamAsync(deadline.Token);
        await using IAsyncEnumerator<System.Net.ServerSentEvents.SseItem<string>> events =
            System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(v[0].Version, SseEventId.Highest(events.Current.EventId));
    }

    [Fact]
    public async Task Values_of_a_denied_key_are_403_whether_or_not_a_value_is_stored()
    {
        await using TestServerHost host = await StartAsync();
        await host.App.Services.GetRequiredService<ISignalValueStore>().SetAsync(SignalKey.Parse("secret:plan"), JsonSerializer.SerializeToElement("go"), Token);

        using HttpResponseMessage stored = await host.SendAsync(HttpMethod.Get, "/signals/values/secret:plan", user: "ada");
        using HttpResponseMessage missing = await host.SendAsync(HttpMethod.Get, "/signals/values/secret:nothing", user: "ada");
        using HttpResponseMessage write = await host.SendAsync(HttpMethod.Put, "/signals/values/secret:plan", "\"stop\"", user: "ada", roles: "writer");
        using HttpResponseMessage allowed = await host.SendAsync(HttpMethod.Get, "/signals/values/secret:plan", user: "bond", roles: "agent");

        Assert.DoesNotContain("go", await TestServerHost.ReadProblemAsync(stored, 403, SignalsProblemTypes.Forbidden), StringComparison.Ordinal);
        await TestServerHost.ReadProblemAsync(missing, 403, SignalsProblemTypes.Forbidden);
        await TestServerHost.ReadProblemAsync(write, 403, SignalsProblemTypes.Forbidden);
        Assert.Equal("go", (await TestServerHost.ReadJsonAsync(allowed)).GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_refused_caller_cannot_tell_a_declared_key_from_an_undeclared_one()
    {
        // secret:plan is declared (not as a value), secret:ghost is not; only agents may read the secret namespace.
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s =>
            {
                s.AddSingleton(new SignalCatalog([.. TestCatalog.Create().Descriptors, new SignalDescriptor("secret:plan", "Tests.Plan", SignalKind.Signal)]));
                TestAuthentication.AddTo(s);
                s.AddAuthorization();
                s.AddSignals().AddSignalAuthorizer<SecretAuthorizer>();
            });
        long cursor = host.Hub.Cursor;

        foreach ((HttpMethod method, string declared, string undeclared, string? body) in new (HttpMethod, string, string, string?)[]
        {
            (HttpMethod.Post, "/signals/sync", "/signals/sync", """{"known": {"secret:plan": 0}}"""),
            (HttpMethod.Get, "/signals/events?key=secret:plan", "/signals/events?key=secret:ghost", null),
            (HttpMethod.Post, "/signals/changes", "/signals/changes", """{"keys": ["secret:plan"]}"""),
            (HttpMethod.Get, "/signals/changes?key=secret:plan", "/signals/changes?key=secret:ghost", null),
            (HttpMethod.Get, "/signals/values/secret:plan", "/signals/values/secret:ghost", null),
        })
        {
            using HttpResponseMessage a = await host.SendAsync(method, declared, body, user: "ada");
            using HttpResponseMessage b = await host.SendAsync(method, undeclared, body?.Replace("secret:plan", "secret:ghost", StringComparison.Ordinal), user: "ada");

            // Same status, same type, same title, same fields; the detail differs only by the key it names.
            string detailA = await TestServerHost.ReadProblemAsync(a, 403, SignalsProblemTypes.Forbidden);
            string detailB = await TestServerHost.ReadProblemAsync(b, 403, SignalsProblemTypes.Forbidden);
            Assert.Equal(detailA.Replace("secret:plan", "KEY", StringComparison.Ordinal), detailB.Replace("secret:ghost", "KEY", StringComparison.Ordinal));
            Assert.Equal(await ShapeAsync(a), await ShapeAsync(b));
        }

        // A caller who may read the namespace hears what the catalog says.
        using HttpResponseMessage undeclaredForAgent = await host.SendAsync(HttpMethod.Post, "/signals/sync", """{"known": {"secret:ghost": 0}}""", user: "bond", roles: "agent");
        using HttpResponseMessage notAValueForAgent = await host.SendAsync(HttpMethod.Get, "/signals/values/secret:plan", user: "bond", roles: "agent");
        await TestServerHost.ReadProblemAsync(undeclaredForAgent, 400, SignalsProblemTypes.UnknownSignal);
        await TestServerHost.ReadProblemAsync(notAValueForAgent, 400, SignalsProblemTypes.NotAValueSignal);
        Assert.Equal(cursor, host.Hub.Cursor);

        static async Task<string> ShapeAsync(HttpResponseMessage response)
        {
            using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
            return string.Join(",", problem.RootElement.EnumerateObject().Where(p => p.Name != "detail").Select(p => $"{p.Name}={p.Value.GetRawText()}"));
        }
    }

    [Fact]
    public async Task Authorizers_see_writes_as_writes()
    {
        await using TestServerHost host = await StartAsync();

        using HttpResponseMessage locked = await host.SendAsync(HttpMethod.Put, "/signals/values/app:locked", "1", user: "ada", roles: "writer");
        using HttpResponseMessage open = await host.SendAsync(HttpMethod.Put, "/signals/values/app:open", "1", user: "ada", roles: "writer");
        using HttpResponseMessage read = await host.SendAsync(HttpMethod.Get, "/signals/values/app:locked", user: "ada");

        Assert.Contains("may not write", await TestServerHost.ReadProblemAsync(locked, 403, SignalsProblemTypes.Forbidden), StringComparison.Ordinal);
        await TestServerHost.ReadJsonAsync(open);
        await TestServerHost.ReadProblemAsync(read, 404, SignalsProblemTypes.ValueNotFound);
    }

    [Fact]
    public async Task Namespace_policy_authorizes_each_key_as_the_resource()
    {
        await using TestServerHost host = await StartAsync(endpoints: o => o.NamespacePolicies["user"] = "own-profile");
        await host.ChangeAsync("user:profile:ada", "user:profile:bob");

        using HttpResponseMessage own = await host.SendAsync(HttpMethod.Post, "/signals/sync", """{"known": {"user:profile:ada": 0}}""", user: "ada");
        using HttpResponseMessage other = await host.SendAsync(HttpMethod.Post, "/signals/sync", """{"known": {"user:profile:ada": 0, "user:profile:bob": 0}}""", user: "ada");
        using HttpResponseMessage events = await host.SendAsync(HttpMethod.Get, "/signals/events?key=user:profile:bob", user: "ada");
        using HttpResponseMessage value = await host.SendAsync(HttpMethod.Get, "/signals/values/user:profile:bob", user: "ada");
        using HttpResponseMessage otherNamespace = await host.SendAsync(HttpMethod.Post, "/signals/sync", """{"known": {"public:news": 0}}""");

        Assert.Single((await TestServerHost.ReadJsonAsync(own)).GetProperty("changed").EnumerateObject());
        Assert.Contains("\"user:profile:bob\"", await TestServerHost.ReadProblemAsync(other, 403, SignalsProblemTypes.Forbidden), StringComparison.Ordinal);
        await TestServerHost.ReadProblemAsync(events, 403, SignalsProblemTypes.Forbidden);
        await TestServerHost.ReadProblemAsync(value, 403, SignalsProblemTypes.Forbidden);
        await TestServerHost.ReadJsonAsync(otherNamespace);
    }

    [Fact]
    public async Task Namespace_policies_without_authorization_fail_when_mapping()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSignals().AddHttpEndpoints(o => o.NamespacePolicies["billing"] = "billing-readers");
        await using WebApplication app = builder.Build();

        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => app.MapSignals());
        Assert.Contains("AddAuthorization", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespace_policies_must_name_a_namespace_and_a_policy()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAuthorization();
        builder.Services.AddSignals().AddHttpEndpoints(o =>
        {
            o.NamespacePolicies["chat:room"] = "rooms";
            o.NamespacePolicies["billing"] = " ";
        });
        await using WebApplication app = builder.Build();

        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(() => app.MapSignals());
        Assert.Contains(exception.Failures, f => f.Contains("\"chat:room\"", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("empty policy", StringComparison.Ordinal));
    }
}
