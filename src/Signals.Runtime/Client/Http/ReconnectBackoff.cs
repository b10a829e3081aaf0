namespace Signals.Client;

/// <summary>
/// The wait before the next attempt after a failure: the server's <c>retry:</c> hint, else <see cref="SignalsClientOptions.ReconnectDelay"/>,
/// doubled for every failure in a row up to <see cref="SignalsClientOptions.MaxReconnectDelay"/>, then jittered to between half and
/// all of it. The first wait is at least 10 ms, so a zero delay or <c>retry: 0</c> cannot make a failing watch spin. Not thread-safe:
/// one per watch.
/// </summary>
/// <param name="initial">The first wait when the server gave no hint.</param>
/// <param name="max">The longest wait (a longer server hint is still honoured).</param>
internal sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max)
{
    private static readonly TimeSpan MinimumDelay = TimeSpan.FromMilliseconds(10);

    private int _failures;

    /// <summary>Gets or sets the server's <c>retry:</c> hint, which replaces the configured first wait once received.</summary>
    public TimeSpan? ServerHint { get; set; }

    /// <summary>Returns the wait before the next attempt and counts the failure.</summary>
    /// <returns>The wait.</returns>
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

    /// <summary>Starts over after a success.</summary>
    public void Reset() => _failures = 0;
}
