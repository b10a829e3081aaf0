using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The <c>mesh</c> part of a <see cref="SyncResponse"/>: the answering instance's view of its cluster.</summary>
/// <remarks>
/// Reality's shape: <see cref="Peers"/> maps each other live instance to its health (<c>{"app-b": "healthy"}</c>; <c>{}</c> when alone or
/// when nothing heartbeats), so Reality clients read it unchanged. Signals adds <see cref="LastSeen"/>. Instances find each other through
/// the heartbeats they write to the shared database (<see cref="SignalMesh"/>), not by gossip.
/// </remarks>
public sealed class SyncMesh
{
    /// <summary>Gets the other live instances and their health (instance id → <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>; see <see cref="SignalPeerHealth"/>).</summary>
    [JsonPropertyName("peers")]
    public IReadOnlyDictionary<string, string> Peers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets when each of <see cref="Peers"/> last heartbeated, in Unix milliseconds (instance id → time); a Signals addition, left out
    /// (<see langword="null"/>) when there are no peers, so an instance alone answers exactly what Reality does.
    /// </summary>
    [JsonPropertyName("lastSeen")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long>? LastSeen { get; init; }

    /// <summary>
    /// Gets the answering instance's position in the global change feed: it has every change up to this version (its
    /// <see cref="SignalHub.SettledCursor"/>), so it is a safe cursor to resume the event stream from after a full sync. When the
    /// server scopes keys per tenant it is the highest version among the request's keys instead.
    /// </summary>
    [JsonPropertyName("serverVersion")]
    public long ServerVersion { get; init; }

    /// <summary>Creates the mesh part of an answer from a view of the cluster.</summary>
    /// <param name="mesh">The view.</param>
    /// <param name="serverVersion">The answer's <see cref="ServerVersion"/>.</param>
    /// <returns>The mesh part.</returns>
    internal static SyncMesh From(SignalMesh mesh, long serverVersion)
    {
        IReadOnlyList<SignalPeer> peers = mesh.Peers;
        return peers.Count == 0
            ? new SyncMesh { ServerVersion = serverVersion }
            : new SyncMesh
            {
                Peers = peers.ToDictionary(static p => p.InstanceId, static p => p.Health, StringComparer.Ordinal),
                LastSeen = peers.ToDictionary(static p => p.InstanceId, static p => p.LastSeenAt.ToUnixTimeMilliseconds(), StringComparer.Ordinal),
                ServerVersion = serverVersion,
            };
    }
}
