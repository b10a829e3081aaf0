namespace Signals;

/// <summary>
/// An <see cref="ISignalStore"/> that keeps versions only in this process: versions come from a counter that continues from the
/// hub's <see cref="SignalHub.Cursor"/>. Suited to a single instance without a database, and to tests.
/// </summary>
/// <param name="hub">The hub to publish to.</param>
/// <param name="timeProvider">The clock for <see cref="SignalVersion.UpdatedAt"/>.</param>
public sealed class InMemorySignalStore(SignalHub hub, TimeProvider timeProvider) : ISignalStore
{
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A key is <c>default(SignalKey)</c>.</exception>
    public ValueTask<IReadOnlyList<SignalVersion>> InvalidateAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        SignalKey[] distinct = keys.Distinct().ToArray();
        if (distinct.Any(static key => key.IsDefault))
        {
            throw new ArgumentException("Cannot invalidate default(SignalKey).", nameof(keys));
        }

        var versions = new SignalVersion[distinct.Length];
        lock (_lock)
        {
            long cursor = hub.Cursor;
            DateTimeOffset now = timeProvider.GetUtcNow();
            for (int i = 0; i < distinct.Length; i++)
            {
                versions[i] = new SignalVersion(distinct[i], ++cursor, null, now);
            }

            hub.Publish(versions);
        }

        return ValueTask.FromResult<IReadOnlyList<SignalVersion>>(versions);
    }
}
