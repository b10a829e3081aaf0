namespace Signals;

/// <summary>Records changes of keys outside an EF Core save: the write side for apps (and tests) without the outbox.</summary>
public interface ISignalStore
{
    /// <summary>Records a change of each key, assigns each a new version, and publishes the versions to the hub.</summary>
    /// <param name="keys">The keys that changed; duplicates are recorded once.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new versions, one per distinct key.</returns>
    ValueTask<IReadOnlyList<SignalVersion>> InvalidateAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default);
}
