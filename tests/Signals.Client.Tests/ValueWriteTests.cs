using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Signals.Client.Tests.Infrastructure;

namespace Signals.Client.Tests;

/// <summary>
/// Value writes from both clients against a real server: <c>SetValueAsync</c>, compare-and-set (<c>TrySetValueAsync</c>, over HTTP
/// <c>If-Match</c> and 412), and <c>SignalValueReference&lt;T&gt;.UpdateAsync</c> from 16 concurrent updaters losing no update.
/// </summary>
public sealed class ValueWriteTests
{
    private static readonly SignalKey Tally = SignalKey.Parse("demo:tally");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<ClientHarness> StartAsync(ClientKind kind)
        => ClientHarness.StartAsync(kind, map: app => app.MapGroup("/signals").MapSignalValueWrites(ClientTestServer.WritersPolicy));

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Try_set_stores_only_at_the_expected_version(ClientKind kind)
    {
        await using ClientHarness harness = await StartAsync(kind);
        ISignalsClient client = harness.Client;

        SignalValue<JsonElement> set = await client.SetValueAsync(Tally, Json("""{"marks":["a"]}"""), Cancel);
        SignalValue<JsonElement>? stale = await client.TrySetValueAsync(Tally, Json("""{"marks":["b"]}"""), 0, Cancel);
        SignalValue<JsonElement>? current = await client.TrySetValueAsync(Tally, Json("""{"marks":["c"]}"""), set.Version, Cancel);

        Assert.Null(stale);
        Assert.NotNull(current);
        Assert.True(current.Version > set.Version);
        SignalValue<JsonElement> stored = (await harness.Server.Store.GetAsync(Tally, Cancel))!;
        Assert.Equal((current.Version, current.State.Hash), (stored.Version, stored.State.Hash)); // over HTTP the time is to the millisecond
        Assert.Equal("c", stored.Value.GetProperty("marks")[0].GetString());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await client.TrySetValueAsync(Tally, Json("{}"), -1, Cancel));
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Sixteen_concurrent_updaters_lose_no_update(ClientKind kind)
    {
        await using ClientHarness harness = await StartAsync(kind);
        var reference = new SignalValueReference<TallyValue>(harness.Client, Tally, static () => new TallyValue([]));
        const int Updaters = 16;
        const int Each = 5;

        await Task.WhenAll(Enumerable.Range(0, Updaters).Select(u => Task.Run(async () =>
        {
            for (int i = 0; i < Each; i++)
            {
                string mark = $"{u}.{i}";
                await reference.UpdateAsync(current => current with { Marks = [.. current.Marks, mark] }, Cancel);
            }
        })));

        SignalValue<TallyValue> final = await reference.GetWithVersionAsync(Cancel);
        Assert.Equal(
            Enumerable.Range(0, Updaters).SelectMany(u => Enumerable.Range(0, Each).Select(i => $"{u}.{i}")).Order(),
            final.Value.Marks.Order());
    }

    [Fact]
    public async Task The_http_client_reports_a_server_without_value_writes_clearly()
    {
        await using ClientHarness harness = await ClientHarness.StartAsync(ClientKind.Http);

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(
            async () => await harness.Client.SetValueAsync(Tally, Json("{}"), Cancel));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, error.StatusCode);
        Assert.Null(await harness.Server.Store.GetAsync(Tally, Cancel));
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private sealed record TallyValue(string[] Marks);
}
