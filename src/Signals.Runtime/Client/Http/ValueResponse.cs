using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signals.Client;

/// <summary>The body of <c>GET {prefix}/values/{key}</c> as the client reads it:
/// <c>{"key":"app:theme","version":7,"hash":"…","updatedAt":1699876543210,"value":{…}}</c>.</summary>
/// <param name="Key">The value signal's key.</param>
/// <param name="Version">Its version; <c>0</c> when nothing is stored.</param>
/// <param name="Hash">The value's hash, or <see langword="null"/>.</param>
/// <param name="UpdatedAt">When it was stored, in Unix milliseconds.</param>
/// <param name="Value">The value; absent or <c>null</c> when nothing is stored.</param>
internal sealed record ValueResponse(
    [property: JsonPropertyName("key")] SignalKey Key,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("hash")] string? Hash,
    [property: JsonPropertyName("updatedAt")] long UpdatedAt,
    [property: JsonPropertyName("value")] JsonElement? Value);
