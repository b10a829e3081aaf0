using System.Collections.Concurrent;
using System.Text.Json;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// The <c>data:</c> of the latest event per key, serialized once and shared by every stream that sends it: a change fanned out to
/// N subscribers costs one serialization, not N.
/// </summary>
/// <remarks>
/// Keyed by the key as the client named it; an entry is reused only for an equal <see cref="SignalVersion"/> (key, version, hash and
/// time), so streams of different tenants that name the same key never share data. One entry per key that was ever streamed, which
/// the hub already holds a version for.
/// </remarks>
internal sealed class SignalEventDataCache
{
    private readonly ConcurrentDictionary<SignalKey, (SignalVersion Version, string Data)> _latest = new();

    /// <summary>Gets the event data of a version (the JSON of <see cref="SignalEvent"/>).</summary>
    /// <param name="version">The version, under the key the client named.</param>
    /// <returns>The serialized event data.</returns>
    public string GetData(SignalVersion version)
    {
        if (_latest.TryGetValue(version.Key, out (SignalVersion Version, string Data) cached) && cached.Version == version)
        {
            return cached.Data;
        }

        string data = JsonSerializer.Serialize(SignalEvent.From(version), SignalsJsonSerializerContext.Default.SignalEvent);
        if (cached.Version.Version <= version.Version)
        {
            _latest[version.Key] = (version, data);
        }

        return data;
    }
}
