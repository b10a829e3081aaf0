using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.AspNetCore.Tenancy;
using Signals.Protocol;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary>Two tenants on one server, the tenant taken from the user's <c>tenant</c> claim: neither can observe the other.</summary>
public sealed class TenancyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<TestServerHost> StartAsync(Action<IServiceCollection>? services = null, Action<SignalTenancyOptions>? tenancy = null) => TestServerHost.StartAsync(
        services: s =>
        {
            services?.Invoke(s);
            TestAuthentication.AddTo(s);
            s.AddAuthorization(o => o.AddPolicy("writers", p => p.RequireRole("writer")));
            s.AddSignals().AddTenantResolver(http => http.User.FindFirst("tenant")?.Value, tenancy);
        },
        map: app => app.MapSignals().MapSignalValueWrites("writers"));

    private static Task<HttpResponseMessage> As(TestServerHost host, string tenant, HttpMethod method, string path, string? json = null)
        => host.SendAsync(method, path, json, user: "user-" + tenant, roles: "writer", tenant: tenant);

    [Fact]
    public void Scope_puts_the_escaped_tenant_after_the_namespace()
    {
        Assert.Equal("chat:acme:room:general", SignalTenantKeys.Scope(SignalKey.Parse("chat:room:general"), "acme").Value);
        Assert.Equal("app:acme", SignalTenantKeys.Scope(SignalKey.Parse("app"), "acme").Value);

        // A tenant id cannot forge another tenant's key: ':' and '%' are escaped.
        Assert.Equal("chat:a%3Ab:room", SignalTenantKeys.Scope(SignalKey.Parse("chat:room"), "a:b").Value);
        Assert.NotEqual(SignalTenantKeys.Scope(SignalKey.Parse("chat:room"), "a:b"), SignalTenantKeys.Scope(SignalKey.Parse("chat:b:room"), "a"));

        Assert.Throws<ArgumentException>(() => SignalTenantKeys.Scope(SignalKey.Parse("chat:room"), ""));
        Assert.Throws<ArgumentException>(() => SignalTenantKeys.Scope(SignalKey.Parse("chat:" + new string('x', 505)), "acme"));
    }

    [Fact]
    public async Task Sync_sees_only_the_own_tenant()
    {
        await using TestServerHost host = await StartAsync();
        SignalKey key = SignalKey.Parse("chat:room:general");
        IReadOnlyList<SignalVersion> a = await host.ChangeAsync(SignalTenantKeys.Scope(key, "a").Value);
        await host.ChangeAsync("chat:unrelated", "chat:unrelated2");

        using HttpResponseMessage asA = await As(host, "a", HttpMethod.Post, "/signals/sync", """{"known": {"chat:room:general": 0}}""");
        using HttpResponseMessage asB = await As(host, "b", HttpMethod.Post, "/signals/sync", """{"known": {"chat:room:general": 0}}""");
        using HttpResponseMessage bNamesA = await As(host, "b", HttpMethod.Post, "/signals/sync", """{"known": {"chat:a:room:general": 0}}""");

        JsonElement seenByA = await TestServerHost.ReadJsonAsync(asA);
        JsonElement entry = seenByA.GetProperty("changed").GetProperty("chat:room:general");
        Assert.Equal("chat:room:general", entry.GetProperty("key").GetString());
        Assert.Equal(a[0].Version, entry.GetProperty("version").GetInt64());

        // serverVersion is the highest version among the request's keys, not the shared feed's position.
        Assert.Equal(a[0].Version, seenByA.GetProperty("mesh").GetProperty("serverVersion").GetInt64());
        Assert.True(host.Hub.Cursor > a[0].Version);

        JsonElement seenByB = await TestServerHost.ReadJsonAsync(asB);
        Assert.Empty(seenByB.GetProperty("changed").EnumerateObject());
        Assert.Equal(0, seenByB.GetProperty("mesh").GetProperty("serverVersion").GetInt64());
        Assert.Empty((await TestServerHost.ReadJsonAsync(bNamesA)).GetProperty("changed").EnumerateObject());
    }

    [Fact]
    public async Task Long_poll_of_one_tenant_is_not_woken_by_another()
    {
        await using TestServerHost host = await StartAsync();
        SignalKey key = SignalKey.Parse("chat:room:general");

        Task<HttpResponseMessage> pendingB = As(host, "b", HttpMethod.Post, "/signals/sync", """{"known": {"chat:room:general": 0}, "waitMs": 20000}""");
        await Task.Delay(TimeSpan.FromMilliseconds(200), Token);
        await host.ChangeAsync(SignalTenantKeys.Scope(key, "a").Value);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Token);
        Assert.False(pendingB.IsCompleted, "Tenant a's change ended tenant b's long-poll.");

        IReadOnlyList<SignalVersion> b = await host.ChangeAsync(SignalTenantKeys.Scope(key, "b").Value);
        using HttpResponseMessage response = await pendingB.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(b[0].Version, (await TestServerHost.ReadJsonAsync(response)).GetProperty("changed").GetProperty("chat:room:general").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Streams_see_only_the_own_tenant_under_the_unscoped_key()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await StartAsync();
        SignalKey key = SignalKey.Parse("chat:room:general");

        using HttpResponseMessage streamB = await As(host, "b", HttpMethod.Get, "/signals/events?key=chat:room:general");
        await using IAsyncEnumerator<SseItem<string>> eventsB = SseParser.Create(await streamB.Content.ReadAsStreamAsync(deadline.Token))
            .EnumerateAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);

        await host.ChangeAsync(SignalTenantKeys.Scope(key, "a").Value);
        IReadOnlyList<SignalVersion> b = await host.ChangeAsync(SignalTenantKeys.Scope(key, "b").Value);

        // Had a's change reached b's stream it would come first.
        Assert.True(await eventsB.MoveNextAsync());
        Assert.Equal(b[0].Version, SseEventId.Highest(eventsB.Current.EventId));
        using JsonDocument data = JsonDocument.Parse(eventsB.Current.Data);
        Assert.Equal("chat:room:general", data.RootElement.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Values_are_per_tenant()
    {
        await using TestServerHost host = await StartAsync();

        using HttpResponseMessage setA = await As(host, "a", HttpMethod.Put, "/signals/values/app:theme", """{"mode":"dark"}""");
        using HttpResponseMessage getA = await As(host, "a", HttpMethod.Get, "/signals/values/app:theme");
        using HttpResponseMessage getB = await As(host, "b", HttpMethod.Get, "/signals/values/app:theme");
        using HttpResponseMessage deleteB = await As(host, "b", HttpMethod.Delete, "/signals/values/app:theme");

        Assert.Equal("app:theme", (await TestServerHost.ReadJsonAsync(setA)).GetProperty("key").GetString());
        Assert.Equal("dark", (await TestServerHost.ReadJsonAsync(getA)).GetProperty("value").GetProperty("mode").GetString());
        await TestServerHost.ReadProblemAsync(getB, 404, SignalsProblemTypes.ValueNotFound);
        await TestServerHost.ReadProblemAsync(deleteB, 404, SignalsProblemTypes.ValueNotFound);
        SignalValue<JsonElement>? stored = await host.App.Services.GetRequiredService<ISignalValueStore>().GetAsync(SignalKey.Parse("app:a:theme"), Token);
        Assert.NotNull(stored);
    }

    [Fact]
    public async Task Requests_without_a_tenant_are_403()
    {
        await using TestServerHost host = await StartAsync();

        using HttpResponseMessage sync = await host.SendAsync(HttpMethod.Post, "/signals/sync", """{"known": {"chat:room:general": 0}}""", user: "nobody");
        using HttpResponseMessage events = await host.SendAsync(HttpMethod.Get, "/signals/events?key=chat:room:general");
        using HttpResponseMessage value = await host.SendAsync(HttpMethod.Get, "/signals/values/app:theme", user: "nobody");

        Assert.Contains("tenant", await TestServerHost.ReadProblemAsync(sync, 403, SignalsProblemTypes.Forbidden), StringComparison.Ordinal);
        await TestServerHost.ReadProblemAsync(events, 403, SignalsProblemTypes.Forbidden);
        await TestServerHost.ReadProblemAsync(value, 403, SignalsProblemTypes.Forbidden);
    }

    [Fact]
    public async Task The_catalog_judges_the_scoped_key()
    {
        // Writers declare the tenant as the family's first placeholder; clients name keys without it.
        await using TestServerHost host = await StartAsync(services: s => s.AddSingleton(new SignalCatalog([
            new SignalDescriptor("chat:{TenantId}:room:{RoomId}", "Tests.ChatMessage", SignalKind.Family)])));

        using HttpResponseMessage declared = await As(host, "a", HttpMethod.Post, "/signals/sync", """{"known": {"chat:room:general": 0}}""");
        using HttpResponseMessage undeclared = await As(host, "a", HttpMethod.Post, "/signals/sync", """{"known": {"chat:lobby": 0}}""");

        await TestServerHost.ReadJsonAsync(declared);
        Assert.Contains("\"chat:lobby\"", await TestServerHost.ReadProblemAsync(undeclared, 400, SignalsProblemTypes.UnknownSignal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shared_namespaces_are_one_for_every_tenant_and_the_others_stay_per_tenant_on_one_group()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await StartAsync(
            services: s => s.AddSingleton(new SignalCatalog([
                new SignalDescriptor("chat:{TenantId}:room:{RoomId}", "Tests.ChatMessage", SignalKind.Family),
                new SignalDescriptor("chat:lobby", "Tests.Lobby", SignalKind.Signal),
                new SignalDescriptor("shop:products", "Tests.Product", SignalKind.Signal),
                new SignalDescriptor("shop:settings", "Tests.ShopSettings", SignalKind.Value)])),
            tenancy: o => o.SharedNamespaces.Add("shop"));

        // Writers: the product list unscoped (shared), tenant a's room scoped.
        IReadOnlyList<SignalVersion> products = await host.ChangeAsync("shop:products");
        IReadOnlyList<SignalVersion> roomOfA = await host.ChangeAsync(SignalTenantKeys.Scope(SignalKey.Parse("chat:room:general"), "a").Value);
        const string both = """{"known": {"shop:products": 0, "chat:room:general": 0}}""";

        using HttpResponseMessage syncA = await As(host, "a", HttpMethod.Post, "/signals/sync", both);
        using HttpResponseMessage syncB = await As(host, "b", HttpMethod.Post, "/signals/sync", both);
        using HttpResponseMessage bNamesA = await As(host, "b", HttpMethod.Post, "/signals/sync", """{"known": {"chat:a:room:general": 0}}""");

        JsonElement changedA = (await TestServerHost.ReadJsonAsync(syncA)).GetProperty("changed");
        Assert.Equal(products[0].Version, changedA.GetProperty("shop:products").GetProperty("version").GetInt64());
        Assert.Equal(roomOfA[0].Version, changedA.GetProperty("chat:room:general").GetProperty("version").GetInt64());
        JsonElement changedB = (await TestServerHost.ReadJsonAsync(syncB)).GetProperty("changed");
        Assert.Equal(products[0].Version, changedB.GetProperty("shop:products").GetProperty("version").GetInt64());
        Assert.False(changedB.TryGetProperty("chat:room:general", out _), "Tenant b saw tenant a's room.");
        await TestServerHost.ReadProblemAsync(bNamesA, 400, SignalsProblemTypes.UnknownSignal);

        // A shared value written by one tenant is the value every tenant reads.
        using HttpResponseMessage setA = await As(host, "a", HttpMethod.Put, "/signals/values/shop:settings", """{"currency":"EUR"}""");
        using HttpResponseMessage getB = await As(host, "b", HttpMethod.Get, "/signals/values/shop:settings");
        long settings = (await TestServerHost.ReadJsonAsync(setA)).GetProperty("version").GetInt64();
        JsonElement readByB = await TestServerHost.ReadJsonAsync(getB);
        Assert.Equal(settings, readByB.GetProperty("version").GetInt64());
        Assert.Equal("EUR", readByB.GetProperty("value").GetProperty("currency").GetString());
        Assert.NotNull(await host.App.Services.GetRequiredService<ISignalValueStore>().GetAsync(SignalKey.Parse("shop:settings"), Token));

        // A stream of tenant b gets the shared key's changes, not tenant a's room's.
        using HttpResponseMessage streamB = await As(host, "b", HttpMethod.Get, "/signals/events?key=shop:products&key=chat:room:general&lastEventId=" + host.Hub.Cursor);
        await using IAsyncEnumerator<SseItem<string>> eventsB = SseParser.Create(await streamB.Content.ReadAsStreamAsync(deadline.Token))
            .EnumerateAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        await host.ChangeAsync(SignalTenantKeys.Scope(SignalKey.Parse("chat:room:general"), "a").Value);
        IReadOnlyList<SignalVersion> productsAgain = await host.ChangeAsync("shop:products");
        Assert.True(await eventsB.MoveNextAsync());
        using (JsonDocument data = JsonDocument.Parse(eventsB.Current.Data))
        {
            Assert.Equal("shop:products", data.RootElement.GetProperty("key").GetString());
            Assert.Equal(productsAgain[0].Version, data.RootElement.GetProperty("version").GetInt64());
        }

        // The catalog lists what clients name: shared signals as declared, per-tenant ones without the tenant, none that no client can name.
        using HttpResponseMessage catalog = await As(host, "b", HttpMethod.Get, "/signals/catalog");
        JsonElement[] listedSignals = [.. (await TestServerHost.ReadJsonAsync(catalog)).GetProperty("signals").EnumerateArray()];
        Assert.Equal(["chat:room:{RoomId}", "shop:products", "shop:settings"], listedSignals.Select(e => e.GetProperty("pattern").GetString()));
        Assert.Equal(["RoomId"], listedSignals[0].GetProperty("placeholders").EnumerateArray().Select(p => p.GetProperty("name").GetString())); // no tenant
        foreach (string key in new[] { "chat:room:general", "shop:products", "shop:settings" })
        {
            using HttpResponseMessage listed = await As(host, "b", HttpMethod.Post, "/signals/sync", $$$"""{"known": {"{{{key}}}": 0}}""");
            await TestServerHost.ReadJsonAsync(listed);
        }
    }

    [Fact]
    public async Task Shared_namespaces_must_be_namespaces()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSignals().AddHttpEndpoints().AddTenantResolver(http => "a", o =>
        {
            o.SharedNamespaces.Add("shop:products");
            o.SharedNamespaces.Add("");
        });
        await using WebApplication app = builder.Build();

        var exception = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => app.MapSignals());
        Assert.Contains(exception.Failures, f => f.Contains("\"shop:products\"", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("\"\"", StringComparison.Ordinal));
    }
}
