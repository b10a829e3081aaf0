namespace Signals;

/// <summary>A held producer lock (<see cref="ProducerLocks.TryAcquireAsync"/>); disposing it releases the lock.</summary>
internal abstract class ProducerLease : IAsyncDisposable
{
    /// <summary>Gets a token canceled when the lock may be lost without a release (its connection died): the holder must stop producing.</summary>
    public abstract CancellationToken Lost { get; }

    /// <summary>Releases the lock; never throws (a lock that cannot be released is lost, which frees it too).</summary>
    /// <returns>A task that completes when the lock is released.</returns>
    public abstract ValueTask DisposeAsync();
}
