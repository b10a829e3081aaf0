namespace Signals.Client;

/// <summary>How <see cref="SignalsClient.WatchAsync"/> learns of changes: the transports of the Reality client's <c>native</c>,
/// <c>sse-compat</c> and <c>polling-compat</c> modes.</summary>
public enum SignalsClientMode
{
    /// <summary>
    /// The Server-Sent Events stream (<c>GET {prefix}/events</c>), falling back to long-polling sync when the stream cannot be held:
    /// the server does not offer it (404, 405, 414, 431), or no event and no heartbeat arrives within
    /// <see cref="SignalsClientOptions.StreamOpenTimeout"/> (a proxy that buffers the response). The stream is tried again after
    /// <see cref="SignalsClientOptions.FallbackDuration"/>. The default.
    /// </summary>
    Auto,

    /// <summary>The Server-Sent Events stream only, reconnecting however long it fails (Reality's <c>native</c>).</summary>
    Sse,

    /// <summary>Long-polling sync only (<c>POST {prefix}/sync</c> with <c>waitMs</c>; Reality's <c>sse-compat</c>).</summary>
    LongPoll,

    /// <summary>Plain polling: a sync that answers at once every <see cref="SignalsClientOptions.PollingInterval"/> (Reality's <c>polling-compat</c>).</summary>
    Polling,
}
