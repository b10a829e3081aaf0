namespace Signals.AspNetCore.Endpoints;

/// <summary>A sync request as <see cref="SyncRequestReader"/> read it: what <see cref="SyncEndpoint"/> needs of it.</summary>
/// <param name="Keys">The keys the client knows, each once, in the order of the body.</param>
/// <param name="Versions">The version the client knows of each key: <c>Versions[i]</c> is that of <c>Keys[i]</c>.</param>
/// <param name="WaitMs">How long to hold the request when nothing differs, in milliseconds (<c>waitMs</c>, else <c>wait</c>, else 0); not capped yet.</param>
/// <param name="IsRealityForm">Whether the body has a field only the Reality form has (<c>clientId</c>, <c>mode</c>, <c>hint</c>): its answer stays Reality's.</param>
internal sealed record SyncRequestBody(IReadOnlyList<SignalKey> Keys, IReadOnlyList<long> Versions, int WaitMs, bool IsRealityForm);
