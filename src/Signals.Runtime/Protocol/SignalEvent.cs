using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The data of one <c>signal</c> event on the <c>GET {prefix}/events</c> Server-Sent Events stream.</summary>
/// <param name="Key">The key that changed.</param>
/// <param name="Version">Its new version. The event's <c>id</c> is a separate, opaque resume cursor (<c>C</c> or <c>C-H</c>): do not read it as the version.</param>
/// <param name="Hash">The content hash recorded with the change, or <see langword="null"/> (written as JSON <c>null</c>).</param>
/// <param name="UpdatedAt">When the change was recorded, in Unix milliseconds.</param>
/// <remarks>Wire shape: <c>{"key":"chat:room:general","version":1842,"hash":null,"updatedAt":1699876543210}</c>.</remarks>
public sealed record SignalEvent(
    [property: JsonPropertyName("key")] SignalKey Key,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("hash")] string? Hash,
    [property: JsonPropertyName("updatedAt")] long UpdatedAt)
{
    /// <summary>The default <c>event:</c> name of change events (<c>SignalsEndpointOptions.EventType</c>; Reality's adapter uses <c>update</c>).</summary>
    public const string DefaultEventType = "signal";

    /// <summary>The <c>event:</c> name that tells a resuming client its cursor is too old: drop what it knew and resync.</summary>
    public const string ResetEventType = "reset";

    /// <summary>Creates the event for a key's state.</summary>
    /// <param name="version">The key's state.</param>
    /// <returns>The event, with <see cref="UpdatedAt"/> in Unix milliseconds.</returns>
    public static SignalEvent From(SignalVersion version)
        => new(version.Key, version.Version, version.Hash, version.UpdatedAt.ToUnixTimeMilliseconds());

    /// <summary>Converts the event back to the key's state.</summary>
    /// <returns>The state, with <see cref="SignalVersion.UpdatedAt"/> from the Unix milliseconds.</returns>
    public SignalVersion ToVersion() => new(Key, Version, Hash, DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
}
