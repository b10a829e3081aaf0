using System.Text.Json.Serialization;

namespace Signals;

/// <summary>What a declared signal is: the kind column of the <see cref="SignalCatalog"/>.</summary>
/// <remarks>On the wire (<c>GET {prefix}/catalog</c>): <c>"signal"</c>, <c>"family"</c>, <c>"value"</c> or <c>"computed"</c>.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<SignalKind>))]
public enum SignalKind
{
    /// <summary>One fixed key (<c>[Signal]</c>), bumped when any instance of the type changes.</summary>
    [JsonStringEnumMemberName("signal")]
    Signal,

    /// <summary>A template with placeholders (<c>[SignalFamily("room:{RoomId}")]</c>): one key per argument value.</summary>
    [JsonStringEnumMemberName("family")]
    Family,

    /// <summary>A value signal (<c>[SignalValue]</c>): a key, or a template, whose state also carries a small JSON value stored by Signals.</summary>
    [JsonStringEnumMemberName("value")]
    Value,

    /// <summary>
    /// A computed signal (<c>[SignalComputed]</c>): a key, or a template, that moves whenever a key of one of its inputs
    /// (<see cref="SignalDescriptor.Inputs"/>) moves.
    /// </summary>
    [JsonStringEnumMemberName("computed")]
    Computed,
}
