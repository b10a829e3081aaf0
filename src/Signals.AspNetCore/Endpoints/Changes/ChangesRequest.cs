namespace Signals.AspNetCore.Endpoints;

/// <summary>A request of the cursor form of sync (<see cref="ChangesEndpoint"/>), read from a <c>POST</c> body or a <c>GET</c> query.</summary>
/// <param name="Keys">The keys the client watches, each once, in the order given.</param>
/// <param name="Cursor">The cursor of the client's last answer, or <see langword="null"/> when it has none (answer every key that ever changed).</param>
/// <param name="WaitMs">How long to hold the request when none of the keys changed since the cursor, in milliseconds; not capped yet.</param>
/// <param name="Live">The cache buster of a <c>GET</c> poll (<c>live</c>), as the previous answer gave it; <see langword="null"/> when absent.</param>
/// <param name="Verdict">Whether the catalog accepted <paramref name="Keys"/> before, when they are a kept array (<see cref="ChangesKeyArrays"/>); otherwise <see langword="null"/>.</param>
internal sealed record ChangesRequest(IReadOnlyList<SignalKey> Keys, StreamCursor? Cursor, int WaitMs, long? Live, CatalogVerdict? Verdict);
