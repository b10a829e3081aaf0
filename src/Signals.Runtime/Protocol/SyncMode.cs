using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>How a sync client says it is connected, sent as <c>mode</c> in a <see cref="SyncRequest"/>.</summary>
/// <remarks>
/// Part of the Reality protocol, which requires it; Signals validates it when present and otherwise ignores it.
/// On the wire: <c>"native"</c>, <c>"sse-compat"</c> or <c>"polling-compat"</c>.
/// </remarks>
[JsonConverter(typeof(JsonStringEnumConverter<SyncMode>))]
public enum SyncMode
{
    /// <summary>The client's own transport (<c>"native"</c>).</summary>
    [JsonStringEnumMemberName("native")]
    Native,

    /// <summary>The client emulates Server-Sent Events over sync (<c>"sse-compat"</c>).</summary>
    [JsonStringEnumMemberName("sse-compat")]
    SseCompat,

    /// <summary>The client polls (<c>"polling-compat"</c>).</summary>
    [JsonStringEnumMemberName("polling-compat")]
    PollingCompat,
}
