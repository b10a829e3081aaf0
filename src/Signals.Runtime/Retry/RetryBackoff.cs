namespace Signals;

/// <summary>
/// The wait before the next attempt after a failure, for every reconnect and retry loop of Signals (the .NET client's watch, the EF Core
/// dispatcher's read loop and PostgreSQL listener): the server's hint (<see cref="ServerHint"/>, e.g. an SSE <c>retry:</c>) or the
/// initial delay, doubled for every failure in a row up to the maximum, then jittered to between half and all of it, so instances and
/// clients that failed together do not retry together. The first wait is at least 10 ms, so a zero delay or <c>retry: 0</c> cannot make
/// a failing loop spin. Not thread-safe: one per loop.
/// </summary>
/// <param name="initial">The first wait when there is no server hint.</param>
/// <param name="max">The longest wait (a longer server hint is still honoured).</param>
internal sealed class RetryBackoff(TimeSpan initial, TimeSpan max)
{
    private static readonly TimeSpan MinimumDelay = TimeSpan.FromMilliseconds(10);

    private int _failures;

    /// <summary>Gets or sets the server's hint for the first wait, which replaces the initial delay.</summary>
    public TimeSpan? ServerHint { get; set; }

    /// <summary>Counts one more failure and returns how long to wait before the next attempt.</summary>
    /// <returns>The jittered wait.</returns>
    public TimeSpan Next()
    {
        TimeSpan first = ServerHint ?? initial;
        if (first < MinimumDelay)
        {
            first = MinimumDelay;
        }

        TimeSpan cap = first > max ? first : max;
        double ticks = first.Ticks * Math.Pow(2, Math.Min(_failures, 30));
        _failures++;
        double capped = Math.Min(ticks, cap.Ticks);
        return TimeSpan.FromTicks((long)(capped * (0.5 + (Random.Shared.NextDouble() * 0.5))));
    }

    /// <summary>Starts over after a success: the next failure waits the first delay again.</summary>
    public void Reset() => _failures = 0;

    /// <summary>Waits <paramref name="delay"/> (from <see cref="Next"/>) unless <paramref name="cancellationToken"/> is canceled first.</summary>
    /// <param name="delay">The wait.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns><see langword="true"/> when the wait elapsed; <see langword="false"/> when it was canceled (the loop should stop).</returns>
    public static async Task<bool> WaitAsync(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
