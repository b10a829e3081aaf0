using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>Why a sync client is syncing now, sent as <c>hint</c> in a <see cref="SyncRequest"/>.</summary>
/// <remarks>
/// Part of the Reality protocol, which requires it; Signals validates it when present and otherwise ignores it.
/// On the wire: <c>"interaction"</c>, <c>"focus"</c>, <c>"idle"</c>, <c>"mutation"</c>, <c>"mount"</c> or <c>"reconnect"</c>.
/// </remarks>
[JsonConverter(typeof(JsonStringEnumConverter<SyncHint>))]
public enum SyncHint
{
    /// <summary>The user interacted with the page (<c>"interaction"</c>).</summary>
    [JsonStringEnumMemberName("interaction")]
    Interaction,

    /// <summary>The page or window regained focus (<c>"focus"</c>).</summary>
    [JsonStringEnumMemberName("focus")]
    Focus,

    /// <summary>A periodic sync while idle (<c>"idle"</c>).</summary>
    [JsonStringEnumMemberName("idle")]
    Idle,

    /// <summary>The client just changed something itself (<c>"mutation"</c>).</summary>
    [JsonStringEnumMemberName("mutation")]
    Mutation,

    /// <summary>A component that watches the keys was mounted (<c>"mount"</c>).</summary>
    [JsonStringEnumMemberName("mount")]
    Mount,

    /// <summary>The client reconnected after being offline (<c>"reconnect"</c>).</summary>
    [JsonStringEnumMemberName("reconnect")]
    Reconnect,
}
