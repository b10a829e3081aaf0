using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Signals.AspNetCore.Authorization;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// A poll whose <c>keys</c> array has the bytes of one read before takes the keys read then (<c>ChangesKeyArrays</c>): over real Kestrel,
/// every check still holds for it, and a body that only starts like a kept array is read and answered as strictly as a new one.
/// </summary>
public sealed class KeyArrayReuseTests
{
    /// <summary>Enough keys for the array to be kept.</summary>
    private const int KeyCount = 40;

    /// <summary>Namespace <c>secret</c> is for role <c>agent</c>.</summary>
    private sealed class SecretAuthorizer : ISignalAuthorizer
    {
        public ValueTask<bool> IsAllowedAsync(SignalAuthorizationContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(context.Key.Namespace != "secret" || context.User.IsInRole("agent"));
    }

    /// <summary>The keys array of <see cref="KeyCount"/> keys <c>{ns}:k01</c>…; every namespace of the same length gives the same byte count.</summary>
    private static string KeysArray(string ns)
        => "[" + string.Join(",", Enumerable.Range(1, KeyCount).Select(i => $"\"{ns}:k{i:D2}\"")) + "]";

    [Fact]
    public async Task A_repeated_keys_array_is_authorized_anew_on_every_poll()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: s =>
        {
            TestAuthentication.AddTo(s);
            s.AddSignals().AddSignalAuthorizer<SecretAuthorizer>();
        });
        string body = $$"""{"keys": {{KeysArray("secret")}}, "cursor": "0"}""";

        // Read twice, the array is kept.
        for (int poll = 0; poll < 2; poll++)
        {
            using HttpResponseMessage agent = await host.SendAsync(HttpMethod.Post, "/signals/changes", body, user: "ann", roles: "agent");
            Assert.Equal(HttpStatusCode.OK, agent.StatusCode);
        }

        using HttpResponseMessage other = await host.SendAsync(HttpMethod.Post, "/signals/changes", body, user: "bob");
        Assert.Contains("secret:k01", await TestServerHost.ReadProblemAsync(other, 403, SignalsProblemTypes.Forbidden), StringComparison.Ordinal);

        using HttpResponseMessage again = await host.SendAsync(HttpMethod.Post, "/signals/changes", body, user: "ann", roles: "agent");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_repeated_keys_array_is_checked_against_the_catalog_until_it_was_accepted()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: s =>
            s.AddSingleton(new SignalCatalog([new SignalDescriptor("app:{Id}", "Tests.App", SignalKind.Signal)])));
        string declared = $$"""{"keys": {{KeysArray("app")}}, "cursor": "0"}""";
        string undeclared = $$"""{"keys": {{KeysArray("app")[..^1]}},"zzz:k41"], "cursor": "0"}""";

        for (int poll = 0; poll < 3; poll++)
        {
            using HttpResponseMessage refused = await host.SendAsync(HttpMethod.Post, "/signals/changes", undeclared);
            Assert.Contains("zzz:k41", await TestServerHost.ReadProblemAsync(refused, 400, SignalsProblemTypes.UnknownSignal), StringComparison.Ordinal);

            using HttpResponseMessage accepted = await host.SendAsync(HttpMethod.Post, "/signals/changes", declared);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
    }

    [Theory]
    [InlineData("""{"keys": ARRAY, "cursor": }""", SignalsProblemTypes.MalformedJson)]
    [InlineData("""{"keys": ARRAY} {}""", SignalsProblemTypes.MalformedJson)]
    [InlineData("""{"keys": ARRAY, "cursor": "1"  "waitMs": 5}""", SignalsProblemTypes.MalformedJson)]
    [InlineData("""{"keys": ARRAY, "keys": ["a:one"]}""", SignalsProblemTypes.InvalidRequest)]
    [InlineData("""{"keys": ARRAY, "cursor": "abc"}""", SignalsProblemTypes.InvalidCursor)]
    [InlineData("""{"keys": ARRAY, "waitMs": -1}""", SignalsProblemTypes.InvalidRequest)]
    [InlineData("""{"keys": ARRAY_WITH_A_DUPLICATE}""", SignalsProblemTypes.InvalidRequest)]
    [InlineData("""{"keys": ARRAY_WITH_A_BAD_KEY}""", SignalsProblemTypes.InvalidKey)]
    public async Task A_body_that_starts_like_a_kept_array_gets_the_problem_a_new_one_gets(string template, string type)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        // The reference: the same body with an array of other keys of the same length, never read before.
        string reference = await ProblemAsync(host, Body(template, "zzz"), type);

        // Read twice, the array is kept.
        for (int poll = 0; poll < 2; poll++)
        {
            using HttpResponseMessage kept = await host.SendAsync(HttpMethod.Post, "/signals/changes", $$"""{"keys": {{KeysArray("app")}}, "cursor": "0"}""");
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }
        string detail = await ProblemAsync(host, Body(template, "app"), type);

        Assert.Equal(reference.Replace("zzz:", "app:", StringComparison.Ordinal), detail);
    }

    private static string Body(string template, string ns)
    {
        string array = KeysArray(ns);
        return template
            .Replace("ARRAY_WITH_A_DUPLICATE", array[..^1] + $",\"{ns}:k07\"]", StringComparison.Ordinal)
            .Replace("ARRAY_WITH_A_BAD_KEY", array[..^1] + $",\"{ns}::bad\"]", StringComparison.Ordinal)
            .Replace("ARRAY", array, StringComparison.Ordinal);
    }

    private static async Task<string> ProblemAsync(TestServerHost host, string body, string type)
    {
        using HttpResponseMessage response = await host.SendAsync(HttpMethod.Post, "/signals/changes", body);
        return await TestServerHost.ReadProblemAsync(response, 400, type);
    }
}
