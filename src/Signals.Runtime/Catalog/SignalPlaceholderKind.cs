using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Signals;

/// <summary>What a template placeholder's argument is, as the generated key factory formats it (<see cref="SignalKey.FormatArgument{T}(T)"/>).</summary>
/// <remarks>On the wire (<c>GET {prefix}/catalog</c>): <c>"string"</c>, <c>"integer"</c>, <c>"boolean"</c>, <c>"guid"</c>, <c>"enum"</c>, <c>"dateOnly"</c> or <c>"dateTimeOffset"</c>.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<SignalPlaceholderKind>))]
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The kinds are named after the types they describe, as TypeCode's are.")]
public enum SignalPlaceholderKind
{
    /// <summary>Any non-empty text, as it is (a <see cref="string"/> property, or a value signal's placeholder).</summary>
    [JsonStringEnumMemberName("string")]
    String,

    /// <summary>An integer in the range of its CLR type, in invariant form: an optional <c>-</c>, then digits without leading zeros (<c>-42</c>).</summary>
    [JsonStringEnumMemberName("integer")]
    Integer,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    [JsonStringEnumMemberName("boolean")]
    Boolean,

    /// <summary>A <see cref="System.Guid"/> in its <c>D</c> form, lower case (<c>0f8fad5b-d9cb-469f-a165-70867728950e</c>).</summary>
    [JsonStringEnumMemberName("guid")]
    Guid,

    /// <summary>The name of a member of the enum (<c>Paid</c>), case-sensitive.</summary>
    [JsonStringEnumMemberName("enum")]
    Enum,

    /// <summary>A <see cref="System.DateOnly"/> as <c>yyyy-MM-dd</c> (<c>2024-05-17</c>).</summary>
    [JsonStringEnumMemberName("dateOnly")]
    DateOnly,

    /// <summary>
    /// A <see cref="System.DateTimeOffset"/> in the ISO 8601 round-trip form <c>O</c> (<c>2024-05-17T08:30:00.0000000+02:00</c>; in a key its
    /// <c>:</c> are escaped as <c>%3A</c>).
    /// </summary>
    [JsonStringEnumMemberName("dateTimeOffset")]
    DateTimeOffset,
}
