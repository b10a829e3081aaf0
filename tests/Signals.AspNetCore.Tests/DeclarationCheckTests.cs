using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.AspNetCore.Authorization;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// Keys and values are checked against their declarations (<see cref="TypedCatalog"/>) wherever they enter: a key with an argument its
/// declaration cannot produce is 400 <c>unknown-signal</c> naming the expected form, a written value that is not the declared type is
/// 400 <c>invalid-value</c>; neither changes anything, and a caller refused the key hears neither.
/// </summary>
public sealed class DeclarationCheckTests
{
    private const string Writers = "writers";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Namespace <c>secret</c> is for role <c>agent</c>.</summary>
    private sealed class SecretAuthorizer : ISignalAuthorizer
    {
        public ValueTask<bool> IsAllowedAsync(SignalAuthorizationContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(context.Key.Namespace != "secret" || context.User.IsInRole("agent"));
    }

    private static Task<TestServerHost> StartAsync() => TestServerHost.StartAsync(
        services: s =>
        {
            TypedCatalog.AddTo(s);
            TestAuthentication.AddTo(s);
            s.AddAuthorization(o => o.AddPolicy(Writers, p => p.RequireRole("writer")));
            s.AddSignals().AddSignalAuthorizer<SecretAuthorizer>();
        },
        map: app =>
        {
            app.MapSignals().MapSignalValueWrites(Writers);
            app.MapRealityCompatibility();
        });

    private static ISignalValueStore Store(TestServerHost host) => host.App.Services.GetRequiredService<ISignalValueStore>();

    [Theory]
    [InlineData("shop:status:paid", "'paid' is not a member of OrderStatus: Pending, Paid, Shipped (placeholder {Status} of 'shop:status:{Status}').")]
    [InlineData("shop:order:abc", "'abc' is not an Int32: expected an integer from -2147483648 to 2147483647, with no '+' or leading zeros (placeholder {Id} of 'shop:order:{Id}').")]
    [InlineData("shop:order:007", "'007' is not an Int32")]
    [InlineData("shop:customer:0F8FAD5B-D9CB-469F-A165-70867728950E:vip:true", "is not a Guid: expected its 'D' form in lower case")]
    [InlineData("shop:customer:0f8fad5b-d9cb-469f-a165-70867728950e:vip:yes", "'yes' is not a Boolean: expected 'true' or 'false'")]
    [InlineData("shop:ledger:1:day:2024-02-30:at:2024-05-17T08%3A30%3A00.0000000+02%3A00", "'2024-02-30' is not a DateOnly: expected yyyy-MM-dd")]
    public async Task A_key_its_declaration_cannot_produce_is_refused_wherever_it_enters_naming_the_expected_form(string key, string expected)
    {
        await using TestServerHost host = await StartAsync();
        string escaped = key.Replace("%", "%25", StringComparison.Ordinal);

        foreach ((HttpMethod method, string path, string? body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Post, "/signals/sync", JsonSerializer.Serialize(new { known = new Dictionary<string, long> { ["shop:orders"] = 0, [key] = 0 } })),
            (HttpMethod.Post, "/reality/sync", JsonSerializer.Serialize(new { known = new Dictionary<string, long> { [key] = 0 } })),
            (HttpMethod.Get, $"/signals/events?key=shop:orders&key={Uri.EscapeDataString(key)}", null),
            (HttpMethod.Post, "/signals/changes", JsonSerializer.Serialize(new { keys = new[] { "shop:orders", key } })),
            (HttpMethod.Get, $"/signals/changes?key=shop:orders&key={Uri.EscapeDataString(key)}", null),
            (HttpMethod.Get, $"/signals/values/{escaped}", null),
            (HttpMethod.Put, $"/signals/values/{escaped}", "{}"),
            (HttpMethod.Delete, $"/signals/values/{escaped}", null),
        })
        {
            using HttpResponseMessage response = await host.SendAsync(method, path, body, user: "ada", roles: "writer");

            string detail = await TestServerHost.ReadProblemAsync(response, 400, SignalsProblemTypes.UnknownSignal);
            Assert.StartsWith($"The key \"{key}\" is not one this app declares: ", detail, StringComparison.Ordinal);
            Assert.Contains(expected, detail, StringComparison.Ordinal);
        }

        Assert.Equal(0, host.Hub.Cursor);
        Assert.Null(await Store(host).GetAsync(SignalKey.Parse(key), Token));
    }

    [Fact]
    public async Task Keys_the_declarations_produce_are_accepted()
    {
        await using TestServerHost host = await StartAsync();
        SignalKey[] keys =
        [
            SignalKey.Create("shop:status", SignalKey.FormatArgument(OrderStatus.Paid)),
            SignalKey.Create("shop:order", SignalKey.FormatArgument(-42)),
            SignalKey.Create("shop:ledger", SignalKey.FormatArgument(long.MaxValue)).Append("day", SignalKey.FormatArgument(new DateOnly(2024, 5, 17)))
                .Append("at", SignalKey.FormatArgument(new DateTimeOffset(2024, 5, 17, 8, 30, 0, TimeSpan.FromHours(2)))),
            SignalKey.Create("shop:customer", SignalKey.FormatArgument(Guid.NewGuid())).Append("vip", SignalKey.FormatArgument(true)),
        ];
        await host.ChangeAsync([.. keys.Select(k => k.Value)]);

        using HttpResponseMessage sync = await host.SendAsync(
            HttpMethod.Post, "/signals/sync", JsonSerializer.Serialize(new { known = keys.ToDictionary(k => k.Value, _ => 0) }), user: "ada");

        JsonElement changed = (await TestServerHost.ReadJsonAsync(sync)).GetProperty("changed");
        Assert.Equal(keys.Select(k => k.Value).Order(StringComparer.Ordinal), changed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        using HttpResponseMessage events = await host.SendAsync(HttpMethod.Get, "/signals/events?key=" + Uri.EscapeDataString(keys[2].Value), user: "ada");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_refused_caller_gets_the_same_answer_for_a_well_formed_and_an_ill_formed_key()
    {
        await using TestServerHost host = await StartAsync();

        foreach ((HttpMethod method, string path, string? body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Post, "/signals/sync", """{"known": {"KEY": 0}}"""),
            (HttpMethod.Post, "/reality/sync", """{"known": {"KEY": 0}}"""),
            (HttpMethod.Get, "/signals/events?key=KEY", null),
            (HttpMethod.Post, "/signals/changes", """{"keys": ["KEY"]}"""),
            (HttpMethod.Get, "/signals/changes?key=KEY", null),
            (HttpMethod.Get, "/signals/values/KEY", null),
            (HttpMethod.Put, "/signals/values/KEY", "{}"),
            (HttpMethod.Delete, "/signals/values/KEY", null),
        })
        {
            // secret:order:{Id} is an Int32: 42 is a key of it, abc is not.
            using HttpResponseMessage wellFormed = await host.SendAsync(
                method, path.Replace("KEY", "secret:order:42", StringComparison.Ordinal), body?.Replace("KEY", "secret:order:42", StringComparison.Ordinal), user: "ada", roles: "writer");
            using HttpResponseMessage illFormed = await host.SendAsync(
                method, path.Replace("KEY", "secret:order:abc", StringComparison.Ordinal), body?.Replace("KEY", "secret:order:abc", StringComparison.Ordinal), user: "ada", roles: "writer");

            string a = await TestServerHost.ReadProblemAsync(wellFormed, 403, SignalsProblemTypes.Forbidden);
            string b = await TestServerHost.ReadProblemAsync(illFormed, 403, SignalsProblemTypes.Forbidden);
            Assert.Equal(a.Replace("secret:order:42", "KEY", StringComparison.Ordinal), b.Replace("secret:order:abc", "KEY", StringComparison.Ordinal));
        }

        // An agent may read the namespace, and hears what the declaration says.
        using HttpResponseMessage agent = await host.SendAsync(HttpMethod.Get, "/signals/events?key=secret:order:abc", user: "bond", roles: "agent");
        Assert.Contains("'abc' is not an Int32", await TestServerHost.ReadProblemAsync(agent, 400, SignalsProblemTypes.UnknownSignal), StringComparison.Ordinal);
        Assert.Equal(0, host.Hub.Cursor);
    }

    [Theory]
    [InlineData("\"hello\"", "Path: $")]
    [InlineData("""{"currency":"EUR","maxItems":"many"}""", "Path: $.maxItems")]
    [InlineData("""{"discounts":[{"code":"A","percent":"half"}]}""", "Path: $.discounts[0].percent")]
    [InlineData("""{"level":"High"}""", "Path: $.level")]
    [InlineData("[]", "Path: $")]
    public async Task A_written_value_that_is_not_the_declared_type_is_400_naming_the_type_and_changes_nothing(string value, string path)
    {
        await using TestServerHost host = await StartAsync();
        SignalKey key = SignalKey.Parse("shop:shop-settings");

        // Nothing stored yet: the bad value leaves nothing behind.
        using HttpResponseMessage first = await host.SendAsync(HttpMethod.Put, "/signals/values/shop:shop-settings", value, user: "ada", roles: "writer");
        string detail = await TestServerHost.ReadProblemAsync(first, 400, SignalsProblemTypes.InvalidValue);
        Assert.StartsWith($"The value for \"shop:shop-settings\" is not a {typeof(TypedCatalog.ShopSettings).FullName}: ", detail, StringComparison.Ordinal);
        Assert.Contains(path, detail, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was stored.", detail, StringComparison.Ordinal);
        Assert.Null(await Store(host).GetAsync(key, Token));
        Assert.Equal(0, host.Hub.Cursor);

        // A valid value is stored; the bad one after it changes neither the value nor its version.
        using HttpResponseMessage valid = await host.SendAsync(
            HttpMethod.Put, "/signals/values/shop:shop-settings", """{"currency":"CHF","maxItems":3,"level":1,"tone":"cold","v":2}""", user: "ada", roles: "writer");
        long version = (await TestServerHost.ReadJsonAsync(valid)).GetProperty("version").GetInt64();
        using HttpResponseMessage again = await host.SendAsync(HttpMethod.Put, "/signals/values/shop:shop-settings", value, user: "ada", roles: "writer");
        await TestServerHost.ReadProblemAsync(again, 400, SignalsProblemTypes.InvalidValue);

        SignalValue<TypedCatalog.ShopSettings> stored = SignalValueStoreExtensions.Deserialize<TypedCatalog.ShopSettings>((await Store(host).GetAsync(key, Token))!);
        Assert.Equal(version, stored.Version);
        Assert.Equal(version, host.Hub.Cursor);
        Assert.Equal(("CHF", 3, TypedCatalog.Level.High, TypedCatalog.Tone.Cold, 2L), (stored.Value.Currency, stored.Value.MaxItems, stored.Value.Level, stored.Value.Tone, stored.Value.Revision));
    }

    [Fact]
    public async Task A_template_value_signal_checks_its_value_too()
    {
        await using TestServerHost host = await StartAsync();

        using HttpResponseMessage bad = await host.SendAsync(HttpMethod.Put, "/signals/values/shop:note:a%253Ab", """{"text":5}""", user: "ada", roles: "writer");
        using HttpResponseMessage good = await host.SendAsync(HttpMethod.Put, "/signals/values/shop:note:a%253Ab", """{"text":"hi"}""", user: "ada", roles: "writer");

        Assert.Contains("Path: $.text", await TestServerHost.ReadProblemAsync(bad, 400, SignalsProblemTypes.InvalidValue), StringComparison.Ordinal);
        Assert.Equal("shop:note:a%3Ab", (await TestServerHost.ReadJsonAsync(good)).GetProperty("key").GetString());
    }

    private enum OrderStatus
    {
        Pending,
        Paid,
        Shipped,
    }
}
