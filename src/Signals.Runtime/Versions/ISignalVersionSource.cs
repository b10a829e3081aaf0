namespace Signals;

/// <summary>
/// Where the current versions of keys live when not in the hub: the database behind a dispatcher (the EF Core outbox). With one, the
/// <see cref="SignalHub"/> holds only the keys that are watched or were asked for recently, and reads any other key's version here.
/// </summary>
internal interface ISignalVersionSource
{
    /// <summary>
    /// Gets whether a dispatcher publishes every committed change into this instance's hub. When <see langword="false"/> (stateless
    /// serving), the hub holds nothing between requests: every version is read here, and a long-poll reads again every
    /// <see cref="PollInterval"/>.
    /// </summary>
    bool PublishesChanges { get; }

    /// <summary>Gets how often a long-poll reads the versions again when no dispatcher publishes changes.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>Reads the current version of each key, in one query.</summary>
    /// <param name="keys">The keys; distinct, at least one.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The latest committed version of each key that has one (keys that never changed are left out), in any order.</returns>
    Task<IReadOnlyList<SignalVersion>> ReadVersionsAsync(IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken);
}
