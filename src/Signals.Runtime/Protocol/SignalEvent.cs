using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The data of one <c>signal</c> event on the <c>GET {prefix}/events</c> Server-Sent Events stream.</summary>
/// <param name="Key">The key that changed.</param>
/// <param name="Version">Its new version (also the event's <c>id</c>, the cursor to resume from).</param>
/// <param name="Hash">The content hash recorded with the change, or <see langword="null"/> (written as JSON <c>null</c>).</param>
/// <param name="UpdatedAt">When the change was recorded, in Unix milliseconds.</param>
/// <remarks>Wire shape: <c>{"key":"chat:room:general","version":1842,"hash":null,"updatedAt":1699876543210}</c>.</remarks>
public sealed record SignalEvent(
    [property: JsonPropertyName("key")] SignalKey Key,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("hash")] string? Hash,
    [property: JsonPropertyName("updatedAt")] long UpdatedAt)
{
    /// <summary>Creates the event for a key's state.</summary>
    /// <param name="version">The key's state.</param>
    /// <returns>The event, with <see cref="UpdatedAt"/> in Unix milliseconds.</returns>
    public static SignalEvent From(SignalVersion version)
        => new(version.Key, version.Version, version.Hash, version.UpdatedAt.ToUnixTimeMilliseconds());
}
