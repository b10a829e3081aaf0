using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>
/// The body of <c>POST {prefix}/changes</c>, the cursor form of sync: the keys a client watches and the cursor of its last answer; the
/// server answers only the keys changed since that cursor (a <see cref="SyncResponse"/> with a new <see cref="SyncResponse.Cursor"/>).
/// </summary>
/// <remarks>
/// <para>Wire shape (camelCase JSON): <c>{"keys": ["chat:room:general", "user:profile:123"], "cursor": "1842-1845", "waitMs": 25000}</c>.
/// <c>keys</c> is required (distinct, at least one, at most <see cref="SignalsOptions.MaxKeysPerSubscription"/>); <c>cursor</c> absent
/// asks for every key that ever changed; <c>waitMs</c> holds the request until one of the keys changes (capped by the server). Unknown
/// fields are ignored.</para>
/// <para>The <c>GET</c> form carries the same in the query, for a shared cache to collapse identical polls:
/// <c>GET {prefix}/changes?key=a&amp;key=b&amp;cursor=1842-1845&amp;waitMs=25000&amp;live=N</c>.</para>
/// </remarks>
public sealed class SyncChangesRequest
{
    /// <summary>Gets the keys the client watches.</summary>
    [JsonPropertyName("keys")]
    public required IReadOnlyList<SignalKey> Keys { get; init; }

    /// <summary>Gets the <see cref="SyncResponse.Cursor"/> of the client's last answer, as it was; <see langword="null"/> for a client that has none.</summary>
    [JsonPropertyName("cursor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cursor { get; init; }

    /// <summary>Gets how long to hold the request when none of the keys changed since the cursor, in milliseconds; 0 or absent answers at once.</summary>
    [JsonPropertyName("waitMs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WaitMs { get; init; }
}
