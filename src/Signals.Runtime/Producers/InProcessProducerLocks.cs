using System.Collections.Concurrent;

namespace Signals;

/// <summary>
/// Producer locks for an app without a shared database (the in-memory stores <c>AddSignals()</c> registers): one copy per key within
/// this service provider. Its values live in this process alone, so no other instance could see another copy's output anyway.
/// </summary>
internal sealed class InProcessProducerLocks : ProducerLocks
{
    private readonly ConcurrentDictionary<SignalKey, Lease> _held = new(SignalKeyComparer.Instance);

    /// <inheritdoc/>
    public override string Name => "in-process locks";

    /// <inheritdoc/>
    public override ValueTask<ProducerLease?> TryAcquireAsync(SignalKey key, CancellationToken cancellationToken)
    {
        var lease = new Lease(this, key);
        return ValueTask.FromResult<ProducerLease?>(_held.TryAdd(key, lease) ? lease : null);
    }

    /// <inheritdoc/>
    /// <remarks>Nothing to close: each lease holds its own lock.</remarks>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Lease(InProcessProducerLocks locks, SignalKey key) : ProducerLease
    {
        public override CancellationToken Lost => CancellationToken.None;

        public override ValueTask DisposeAsync()
        {
            locks._held.TryRemove(new KeyValuePair<SignalKey, Lease>(key, this));
            return ValueTask.CompletedTask;
        }
    }
}
