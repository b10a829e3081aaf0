using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The <c>mesh</c> part of a <see cref="SyncResponse"/>: the answering instance's view of its cluster.</summary>
/// <remarks>
/// Kept for Reality clients. Signals instances share one database instead of gossiping, so <see cref="Peers"/> is empty
/// and <see cref="ServerVersion"/> is the answering hub's <see cref="SignalHub.SettledCursor"/>.
/// </remarks>
public sealed class SyncMesh
{
    /// <summary>Gets the peers and their health (peer URL → e.g. <c>"healthy"</c>); always empty in Signals.</summary>
    [JsonPropertyName("peers")]
    public IReadOnlyDictionary<string, string> Peers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the answering instance's position in the global change feed: it has every change up to this version (its
    /// <see cref="SignalHub.SettledCursor"/>), so it is a safe cursor to resume the event stream from after a full sync. When the
    /// server scopes keys per tenant it is the highest version among the request's keys instead.
    /// </summary>
    [JsonPropertyName("serverVersion")]
    public long ServerVersion { get; init; }
}
