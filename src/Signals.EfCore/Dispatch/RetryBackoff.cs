namespace Signals.EntityFrameworkCore;

/// <summary>
/// The wait between attempts after a failure: 100 ms, doubling up to <see cref="SignalsOutboxOptions.MaxRetryDelay"/>, back to
/// 100 ms after a success. Shared by the dispatcher's read loop and the PostgreSQL listener. Not thread-safe: one per loop.
/// </summary>
/// <param name="maxDelay">The longest wait.</param>
internal sealed class RetryBackoff(TimeSpan maxDelay)
{
    private static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the wait before the next attempt.</summary>
    public TimeSpan Delay { get; private set; } = InitialDelay;

    /// <summary>Starts over after a success.</summary>
    public void Reset() => Delay = InitialDelay;

    /// <summary>Waits <see cref="Delay"/>, then doubles it (up to the maximum).</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns><see langword="false"/> when <paramref name="cancellationToken"/> was canceled: the loop should end.</returns>
    public async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        Delay = TimeSpan.FromTicks(Math.Min(Delay.Ticks * 2, maxDelay.Ticks));
        return true;
    }
}
