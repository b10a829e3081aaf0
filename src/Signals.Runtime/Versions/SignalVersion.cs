namespace Signals;

/// <summary>The state of one signal at one point of the change feed.</summary>
/// <param name="Key">The signal's key.</param>
/// <param name="Version">
/// The global cursor of the key's latest change: strictly increasing per key, and comparable across keys
/// (with the EF Core outbox it is the id of the key's latest outbox row). <c>0</c> means "never changed".
/// </param>
/// <param name="Hash">An optional content hash of the signal's current state; clients may skip a refetch when it is unchanged.</param>
/// <param name="UpdatedAt">When the change was recorded (on the wire: Unix milliseconds).</param>
public readonly record struct SignalVersion(SignalKey Key, long Version, string? Hash, DateTimeOffset UpdatedAt)
{
    /// <summary>Gets the state of a key that has never changed: version <c>0</c>, no hash, <see cref="DateTimeOffset.UnixEpoch"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The initial state of <paramref name="key"/>.</returns>
    public static SignalVersion Initial(SignalKey key) => new(key, 0, null, DateTimeOffset.UnixEpoch);
}
