using System.ComponentModel;

namespace Signals.Client;

/// <summary>A live query of any data type: what mutations resync (see <see cref="SignalQuery{T}"/>).</summary>
public interface ISignalQuery : INotifyPropertyChanged, IAsyncDisposable, IDisposable
{
    /// <summary>Gets the key whose version the query follows.</summary>
    SignalKey Key { get; }

    /// <summary>Gets the version of the key the current data was fetched at (0 before the first fetch, or when the key never changed).</summary>
    long Version { get; }

    /// <summary>Gets whether a refetch is due: the key has a newer version than the data, or the data is older than the stale time.</summary>
    bool IsStale { get; }

    /// <summary>Asks the server for the key's version now and refetches when the data is stale; see <see cref="SignalQuery{T}.SyncAsync"/>.</summary>
    /// <param name="cancellationToken">Stops waiting (the refetch itself goes on).</param>
    /// <returns>A task that completes when the data is current.</returns>
    Task SyncAsync(CancellationToken cancellationToken = default);

    /// <summary>Refetches whatever the version; see <see cref="SignalQuery{T}.InvalidateAsync"/>.</summary>
    /// <param name="cancellationToken">Stops waiting (the refetch itself goes on).</param>
    /// <returns>A task that completes when a fetch that started after this call has finished.</returns>
    Task InvalidateAsync(CancellationToken cancellationToken = default);
}
