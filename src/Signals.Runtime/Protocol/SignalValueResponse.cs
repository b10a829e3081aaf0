using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The answer of <c>GET {prefix}/values/{key}</c> (and of a value write): a value signal's value and the state it was stored at.</summary>
/// <param name="Key">The key, as the client named it.</param>
/// <param name="Version">The key's version when the value was stored (the same version sync and the event stream report).</param>
/// <param name="Hash">The value's content hash (<see cref="SignalValueHash"/>), or <see langword="null"/>.</param>
/// <param name="UpdatedAt">When the value was stored, in Unix milliseconds.</param>
/// <param name="Value">The stored JSON value, as it was stored.</param>
/// <remarks>Wire shape: <c>{"key":"app:theme","version":42,"hash":"9f86d081884c7d65","updatedAt":1699876543210,"value":{"mode":"dark"}}</c>.</remarks>
public sealed record SignalValueResponse(
    [property: JsonPropertyName("key")] SignalKey Key,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("hash")] string? Hash,
    [property: JsonPropertyName("updatedAt")] long UpdatedAt,
    [property: JsonPropertyName("value")] JsonElement Value)
{
    /// <summary>Creates the answer for a stored value.</summary>
    /// <param name="key">The key as the client named it (which differs from the stored key's when the app scopes keys per tenant).</param>
    /// <param name="value">The stored value and its state.</param>
    /// <returns>The answer, with <see cref="UpdatedAt"/> in Unix milliseconds.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static SignalValueResponse From(SignalKey key, SignalValue<JsonElement> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(key, value.Version, value.State.Hash, value.State.UpdatedAt.ToUnixTimeMilliseconds(), value.Value);
    }

    /// <summary>Converts the answer back to the key's state and stored value.</summary>
    /// <returns>The value and its state, with <see cref="SignalVersion.UpdatedAt"/> from the Unix milliseconds.</returns>
    public SignalValue<JsonElement> ToValue() => new(new SignalVersion(Key, Version, Hash, DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt)), Value);
}
