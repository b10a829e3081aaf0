using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The server state of one key in a <see cref="SyncResponse"/>.</summary>
/// <param name="Key">The key (repeated from the <c>changed</c> object's property name, for clients that only keep the entry).</param>
/// <param name="Version">The key's current version: the global cursor of its latest change, <c>0</c> when it never changed.</param>
/// <param name="Hash">The content hash recorded with the change, or <see langword="null"/> (written as JSON <c>null</c>).</param>
/// <param name="UpdatedAt">When the change was recorded, in Unix milliseconds (<c>0</c> when the key never changed).</param>
/// <param name="Source">The id of the instance that answered (<see cref="SignalsOptions.InstanceId"/>).</param>
public sealed record SyncChange(
    [property: JsonPropertyName("key")] SignalKey Key,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("hash")] string? Hash,
    [property: JsonPropertyName("updatedAt")] long UpdatedAt,
    [property: JsonPropertyName("source")] string Source)
{
    /// <summary>Creates the entry for a key's state.</summary>
    /// <param name="version">The key's state.</param>
    /// <param name="source">The id of the answering instance.</param>
    /// <returns>The entry, with <see cref="UpdatedAt"/> in Unix milliseconds.</returns>
    public static SyncChange From(SignalVersion version, string source)
        => new(version.Key, version.Version, version.Hash, version.UpdatedAt.ToUnixTimeMilliseconds(), source);

    /// <summary>Converts the entry back to the key's state.</summary>
    /// <returns>The state, with <see cref="SignalVersion.UpdatedAt"/> from the Unix milliseconds.</returns>
    public SignalVersion ToVersion() => new(Key, Version, Hash, DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
}
