using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The answer of <c>POST {prefix}/sync</c>: every known key whose server version differs from the client's.</summary>
/// <remarks>
/// Wire shape: <c>{"changed": {"k": {"key": "k", "version": 6, "hash": null, "updatedAt": 1699876543210, "source": "app-1"}},
/// "mesh": {"peers": {}, "serverVersion": 6}, "serverTime": 1699876543300}</c> — a superset of the Reality server's response,
/// so Reality clients read it unchanged.
/// </remarks>
public sealed class SyncResponse
{
    /// <summary>Gets the keys whose server version differs from the known one, with their server state.</summary>
    /// <remarks>Keys the client sent with version <c>0</c> that never changed are not reported (Reality reports them; Signals does not).</remarks>
    [JsonPropertyName("changed")]
    public required IReadOnlyDictionary<SignalKey, SyncChange> Changed { get; init; }

    /// <summary>Gets the state of the answering instance within its cluster.</summary>
    [JsonPropertyName("mesh")]
    public required SyncMesh Mesh { get; init; }

    /// <summary>Gets the server's clock when it answered, in Unix milliseconds.</summary>
    [JsonPropertyName("serverTime")]
    public long ServerTime { get; init; }
}
