using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The body of <c>POST {prefix}/sync</c>: the versions a client knows, and optionally how long to wait for a change.</summary>
/// <remarks>
/// <para>Wire shape (camelCase JSON): <c>{"known": {"chat:room:general": 5}}</c> is the whole required form. The Reality
/// server's form adds <c>clientId</c>, <c>mode</c>, <c>hint</c>, <c>timestamp</c> and <c>wait</c>; Signals accepts it too and
/// validates those fields when present. Unknown fields are ignored.</para>
/// <para>The server bounds the number of keys (<see cref="SignalsOptions.MaxKeysPerSubscription"/>) and the body size, and caps the wait.</para>
/// </remarks>
public sealed class SyncRequest
{
    /// <summary>Gets the versions the client knows, per key; <c>0</c> means "never seen a change".</summary>
    /// <remarks>On the wire an object of key → JSON integer ≥ 0. Required; may be empty.</remarks>
    [JsonPropertyName("known")]
    public required IReadOnlyDictionary<SignalKey, long> Known { get; init; }

    /// <summary>Gets the client's id (a UUID string on the wire); required by Reality, unused by Signals.</summary>
    [JsonPropertyName("clientId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? ClientId { get; init; }

    /// <summary>Gets how the client is connected; required by Reality, unused by Signals.</summary>
    [JsonPropertyName("mode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SyncMode? Mode { get; init; }

    /// <summary>Gets why the client is syncing now; required by Reality, unused by Signals.</summary>
    [JsonPropertyName("hint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SyncHint? Hint { get; init; }

    /// <summary>Gets the client's clock when it sent the request (an integer, by convention Unix milliseconds); unused by Signals.</summary>
    [JsonPropertyName("timestamp")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Timestamp { get; init; }

    /// <summary>Gets how long to hold the request when nothing in <see cref="Known"/> differs, in milliseconds (Reality's name).</summary>
    /// <remarks>
    /// <c>0</c> or absent answers at once. The server caps the wait (29,000 ms by default). When both this and
    /// <see cref="WaitMs"/> are given, <see cref="WaitMs"/> wins.
    /// </remarks>
    [JsonPropertyName("wait")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Wait { get; init; }

    /// <summary>Gets how long to hold the request when nothing in <see cref="Known"/> differs, in milliseconds (Signals' name).</summary>
    /// <remarks>Same meaning as <see cref="Wait"/>, which it overrides when both are given.</remarks>
    [JsonPropertyName("waitMs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WaitMs { get; init; }
}
