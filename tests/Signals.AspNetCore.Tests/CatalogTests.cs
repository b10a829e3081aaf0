using System.Text.Json;
using Signals.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary>An app that declares its signals: the catalog is served, and keys that match no declared signal are refused everywhere.</summary>
public sealed class CatalogTests(CatalogTests.Host fixture) : IClassFixture<CatalogTests.Host>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Catalog_lists_the_declared_signals()
    {
        using HttpResponseMessage response = await fixture.Server.Client.GetAsync("/signals/catalog", Token);
        JsonElement json = await TestServerHost.ReadJsonAsync(response);

        JsonElement[] signals = [.. json.GetProperty("signals").EnumerateArray()];
        Assert.Equal(["app:counter:{Name}", "app:theme", "chat:room:{RoomId}", "chat:rooms"], signals.Select(s => s.GetProperty("pattern").GetString()));
        JsonElement room = signals[2];
        Assert.Equal("chat", room.GetProperty("namespace").GetString());
        Assert.Equal("family", room.GetProperty("kind").GetString());
        Assert.Equal("Tests.ChatMessage", room.GetProperty("clrType").GetString());
        Assert.True(room.GetProperty("isTemplate").GetBoolean());
        Assert.Equal(["signal", "value", "value"], signals.Select(s => s.GetProperty("kind").GetString()!).Where(k => k != "family").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Empty_catalog_is_an_empty_list()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: s => s.AddSingleton(new SignalCatalog([])));

        using HttpResponseMessage response = await host.Client.GetAsync("/signals/catalog", Token);

        Assert.Equal("""{"signals":[]}""", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Sync_accepts_declared_keys_and_refuses_others_naming_the_key()
    {
        long cursor = fixture.Server.Hub.Cursor;
        using HttpResponseMessage ok = await fixture.Server.PostSyncAsync("""{"known": {"chat:room:general": 0, "chat:rooms": 0, "app:theme": 0}}""", Token);
        using HttpResponseMessage unknown = await fixture.Server.PostSyncAsync("""{"known": {"chat:room:general": 0, "chat:room:a:b": 0}}""", Token);

        await TestServerHost.ReadJsonAsync(ok);
        Assert.Contains("\"chat:room:a:b\"", await TestServerHost.ReadProblemAsync(unknown, 400, SignalsProblemTypes.UnknownSignal), StringComparison.Ordinal);
        Assert.Equal(cursor, fixture.Server.Hub.Cursor);
    }

    [Fact]
    public async Task Events_refuse_undeclared_keys_before_the_stream_starts()
    {
        using HttpResponseMessage unknown = await fixture.Server.Client.GetAsync("/signals/events?key=chat:room:general&key=chat:lobby", HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Contains("\"chat:lobby\"", await TestServerHost.ReadProblemAsync(unknown, 400, SignalsProblemTypes.UnknownSignal), StringComparison.Ordinal);

        using CancellationTokenSource deadline = TestDeadline.Start();
        await using SseClient events = await SseClient.OpenAsync(fixture.Server.Client, "/signals/events?key=chat:room:catalog-test", deadline.Token);
        IReadOnlyList<SignalVersion> changed = await fixture.Server.ChangeAsync("chat:room:catalog-test");
        Assert.Equal(changed[0].Version, SseEventId.Highest((await events.NextAsync()).EventId));
    }

    public sealed class Host : IAsyncLifetime
    {
        public TestServerHost Server { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Server = await TestServerHost.StartAsync(services: TestCatalog.AddTo);

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
