using System.Net;
using System.Text.Json;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// <c>GET {prefix}/mesh</c> of an instance that nothing heartbeats for (the in-memory stores): itself unknown, no peers, as sync's
/// <c>mesh.peers</c> is <c>{}</c>; other methods are 405. The mesh with heartbeats runs end to end (Signals.EndToEnd.Tests, MeshTests).
/// </summary>
public sealed class MeshEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_heartbeats_the_mesh_is_empty_and_sync_answers_as_reality_does_alone()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        using HttpResponseMessage response = await host.Client.GetAsync("/signals/mesh", Token);
        JsonElement mesh = await TestServerHost.ReadJsonAsync(response);
        using HttpResponseMessage sync = await host.PostSyncAsync("""{"known": {}}""", Token);
        JsonElement synced = await TestServerHost.ReadJsonAsync(sync);

        Assert.Equal(JsonValueKind.Null, mesh.GetProperty("self").ValueKind);
        Assert.Empty(mesh.GetProperty("peers").EnumerateObject());
        Assert.True(mesh.GetProperty("serverTime").GetInt64() > 0);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Equal(["peers", "serverVersion"], synced.GetProperty("mesh").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Other_methods_are_405()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        using HttpResponseMessage response = await host.SendAsync(HttpMethod.Post, "/signals/mesh", "{}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await TestServerHost.ReadProblemAsync(response, 405, SignalsProblemTypes.MethodNotAllowed);
    }
}
