namespace Signals;

/// <summary>
/// The per-key locks that let exactly one instance run a key's producer: an in-process lock by default (<see cref="InProcessProducerLocks"/>),
/// a database lock where instances share a database (the EF Core providers replace the singleton: a PostgreSQL advisory lock, an
/// exclusive lock on a file beside the SQLite database).
/// </summary>
/// <remarks>A lock must be freed by the database or the operating system when its holder dies, so a killed owner never blocks a key.</remarks>
internal abstract class ProducerLocks : IAsyncDisposable
{
    /// <summary>Gets what the locks are, for logs (e.g. <c>PostgreSQL advisory locks</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Tries to take a key's lock, without waiting.</summary>
    /// <param name="key">The produced key.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The lease, or <see langword="null"/> when another holder has the lock.</returns>
    /// <exception cref="Exception">The lock's store failed (e.g. the database is down); the caller retries later.</exception>
    public abstract ValueTask<ProducerLease?> TryAcquireAsync(SignalKey key, CancellationToken cancellationToken);

    /// <summary>Closes what the locks hold open (a connection); leases still held are lost, which frees their locks.</summary>
    /// <returns>A task that completes when the locks are closed.</returns>
    public abstract ValueTask DisposeAsync();
}
