namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// Remembers that the <see cref="SignalCatalog"/> accepted every key of one list that a caller reuses across requests (a cursor-form
/// poll's kept <c>keys</c> array), so that <see cref="SignalKeyGate"/> does not check the same keys against the same declarations again.
/// </summary>
/// <remarks>
/// The verdict holds for the catalog's declarations as they were (<see cref="SignalCatalog.Generation"/>): once an assembly registers
/// more, the keys are checked again. Only keys the hub knows as named are remembered (no tenant scopes them), and only acceptance: a
/// refused list is refused again by a full check, with its problem.
/// </remarks>
internal sealed class CatalogVerdict
{
    private object? _acceptedBy;

    /// <summary>Gets whether the catalog accepted the keys in the given declarations.</summary>
    /// <param name="generation">The catalog's <see cref="SignalCatalog.Generation"/>.</param>
    /// <returns><see langword="true"/> when <see cref="Accepted"/> was called for the same declarations.</returns>
    public bool IsAccepted(object generation) => ReferenceEquals(Volatile.Read(ref _acceptedBy), generation);

    /// <summary>Records that the catalog accepted every key of the list.</summary>
    /// <param name="generation">The catalog's <see cref="SignalCatalog.Generation"/> read before the keys were checked.</param>
    public void Accepted(object generation) => Volatile.Write(ref _acceptedBy, generation);
}
