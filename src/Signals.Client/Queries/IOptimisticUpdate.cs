namespace Signals.Client;

/// <summary>An optimistic update applied to a <see cref="SignalQuery{T}"/>'s data: disposing it rolls it back at once.</summary>
internal interface IOptimisticUpdate : IDisposable
{
    /// <summary>Keeps the update until the next fetch that starts after this call has finished, then drops it together with the
    /// fetch's result, so the data goes from optimistic to fetched in one change.</summary>
    void ReleaseAfterNextFetch();
}
