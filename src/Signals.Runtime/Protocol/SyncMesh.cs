using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The <c>mesh</c> part of a <see cref="SyncResponse"/>: the answering instance's view of its cluster.</summary>
/// <remarks>
/// Kept for Reality clients. Signals instances share one database instead of gossiping, so <see cref="Peers"/> is empty
/// and <see cref="ServerVersion"/> is the answering hub's <see cref="SignalHub.Cursor"/>.
/// </remarks>
public sealed class SyncMesh
{
    /// <summary>Gets the peers and their health (peer URL → e.g. <c>"healthy"</c>); always empty in Signals.</summary>
    [JsonPropertyName("peers")]
    public IReadOnlyDictionary<string, string> Peers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the highest version the answering instance has seen (its position in the global change feed).</summary>
    [JsonPropertyName("serverVersion")]
    public long ServerVersion { get; init; }
}
