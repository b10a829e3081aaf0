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

    /// <summary>
    /// Gets the cursor to poll on from (<c>C</c> or <c>C-H</c>, as an SSE event id): the client has every change of its keys up to
    /// <c>C</c> once it applied this answer, and <c>H</c> is the highest version it may have seen. Send it back, as it is, in the cursor
    /// form of sync (<see cref="SyncChangesRequest"/>), which then answers only the keys changed since.
    /// </summary>
    /// <remarks>
    /// Its presence in an answer of the key-list form is the server's offer of the cursor form (Signals' native protocol, at
    /// <c>{prefix}/changes</c>); <see langword="null"/> (left out) when the server does not offer it: a Reality server, or an instance that
    /// serves stateless (it keeps no position in the change feed).
    /// </remarks>
    [JsonPropertyName("cursor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cursor { get; init; }

    /// <summary>
    /// Gets whether the server could not answer from the cursor the client sent (outbox retention passed it, or it is ahead of every
    /// change the server knows: another deployment's, or forged). <see cref="Changed"/> then holds the current version of every key the
    /// client named, <c>0</c> for one that never changed: the client replaces what it knew with it, as after the event stream's
    /// <c>event: reset</c>. Left out when <see langword="false"/>.
    /// </summary>
    [JsonPropertyName("reset")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Reset { get; init; }

    /// <summary>
    /// Gets the cache buster of the <c>GET</c> form of the cursor form (<c>live</c> query parameter): a number that changes with time, so a
    /// poll that follows this answer is not served this answer again by a shared cache. Sent only by <c>GET {prefix}/changes</c>; clients
    /// pass it back as it is.
    /// </summary>
    [JsonPropertyName("live")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Live { get; init; }
}
