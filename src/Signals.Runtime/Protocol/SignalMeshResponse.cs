using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The answer of <c>GET {prefix}/mesh</c>: the answering instance and the other live instances of its cluster.</summary>
/// <remarks>
/// Wire shape: <c>{"self": {"instanceId": "app-a", "host": "web1", "health": "healthy", "startedAt": 1699876500000, "lastSeen": 1699876543000},
/// "peers": {"app-b": {…}}, "serverTime": 1699876543300}</c>, times in Unix milliseconds. <c>peers</c> lists the same instances as
/// <c>mesh.peers</c> of a sync answer; <c>self</c> is <c>null</c> until the instance's first heartbeat (or when nothing heartbeats).
/// </remarks>
public sealed class SignalMeshResponse
{
    /// <summary>Gets the answering instance, or <see langword="null"/> before its first heartbeat.</summary>
    [JsonPropertyName("self")]
    public SignalPeerResponse? Self { get; init; }

    /// <summary>Gets the other live instances, by instance id.</summary>
    [JsonPropertyName("peers")]
    public required IReadOnlyDictionary<string, SignalPeerResponse> Peers { get; init; }

    /// <summary>Gets the server's clock when it answered, in Unix milliseconds.</summary>
    [JsonPropertyName("serverTime")]
    public long ServerTime { get; init; }

    /// <summary>Creates the answer from a view of the cluster.</summary>
    /// <param name="mesh">The view.</param>
    /// <param name="now">The server's clock.</param>
    /// <returns>The answer.</returns>
    internal static SignalMeshResponse From(SignalMesh mesh, DateTimeOffset now) => new()
    {
        Self = mesh.Self is { } self ? SignalPeerResponse.From(self) : null,
        Peers = mesh.Peers.ToDictionary(static p => p.InstanceId, SignalPeerResponse.From, StringComparer.Ordinal),
        ServerTime = now.ToUnixTimeMilliseconds(),
    };
}

/// <summary>One instance in a <see cref="SignalMeshResponse"/>.</summary>
/// <param name="InstanceId">The instance's name (the <c>source</c> of its sync answers).</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="Health"><c>healthy</c>, <c>degraded</c> or <c>unhealthy</c> (<see cref="SignalPeerHealth"/>).</param>
/// <param name="StartedAt">When it started heartbeating, in Unix milliseconds.</param>
/// <param name="LastSeen">When it last heartbeated, in Unix milliseconds.</param>
public sealed record SignalPeerResponse(
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("health")] string Health,
    [property: JsonPropertyName("startedAt")] long StartedAt,
    [property: JsonPropertyName("lastSeen")] long LastSeen)
{
    /// <summary>Creates the wire form of a peer.</summary>
    /// <param name="peer">The peer.</param>
    /// <returns>The wire form.</returns>
    internal static SignalPeerResponse From(SignalPeer peer)
        => new(peer.InstanceId, peer.Host, peer.Health, peer.StartedAt.ToUnixTimeMilliseconds(), peer.LastSeenAt.ToUnixTimeMilliseconds());
}
