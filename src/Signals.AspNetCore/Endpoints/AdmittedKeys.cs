namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// The keys of one request after <see cref="SignalKeyGate"/> admitted them: as the client named them, and as the hub and the stores
/// know them (scoped to the request's tenant, if any), index by index.
/// </summary>
internal sealed class AdmittedKeys
{
    private readonly Dictionary<SignalKey, SignalKey>? _requestedByStored;

    public AdmittedKeys(IReadOnlyList<SignalKey> requested, IReadOnlyList<SignalKey> stored, string? tenant)
    {
        Requested = requested;
        Stored = stored;
        Tenant = tenant;
        if (tenant is not null)
        {
            _requestedByStored = new Dictionary<SignalKey, SignalKey>(stored.Count);
            for (int i = 0; i < stored.Count; i++)
            {
                _requestedByStored[stored[i]] = requested[i];
            }
        }
    }

    /// <summary>Gets the keys as the client named them.</summary>
    public IReadOnlyList<SignalKey> Requested { get; }

    /// <summary>Gets the keys as the hub and the stores know them; <c>Stored[i]</c> is <c>Requested[i]</c> scoped to the tenant.</summary>
    public IReadOnlyList<SignalKey> Stored { get; }

    /// <summary>Gets the request's tenant, or <see langword="null"/> when the app does not scope keys per tenant.</summary>
    public string? Tenant { get; }

    /// <summary>Gets a stored state under the key the client named, for an answer.</summary>
    /// <param name="stored">The state of one of <see cref="Stored"/>.</param>
    /// <returns>The same state, keyed as the client named it.</returns>
    public SignalVersion ToRequested(SignalVersion stored)
        => _requestedByStored is null ? stored : stored with { Key = _requestedByStored[stored.Key] };
}
