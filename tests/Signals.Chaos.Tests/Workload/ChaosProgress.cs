namespace Signals.Chaos.Tests.Workload;

/// <summary>Counts committed transactions over all writers; the faults are scheduled on it, not on the clock.</summary>
internal sealed class ChaosProgress
{
    private long _committed;

    /// <summary>Gets how many transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _committed);

    /// <summary>Counts one committed transaction.</summary>
    public void Committed() => Interlocked.Increment(ref _committed);

    /// <summary>Waits until at least <paramref name="commits"/> transactions committed, or the writers are done.</summary>
    /// <param name="commits">The mark.</param>
    /// <param name="writers">Completes when every writer is done.</param>
    /// <param name="cancellationToken">Bounds the wait.</param>
    /// <returns><see langword="true"/> when the mark was reached; <see langword="false"/> when the writers finished first.</returns>
    public async Task<bool> WaitForAsync(long commits, Task writers, CancellationToken cancellationToken)
    {
        while (Commits < commits)
        {
            if (writers.IsCompleted)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken);
        }

        return true;
    }
}
