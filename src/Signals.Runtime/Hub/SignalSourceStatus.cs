namespace Signals;

/// <summary>
/// Whether the sources that feed this instance's <see cref="SignalHub"/> can serve: a source (an EF Core outbox dispatcher) that cannot
/// read its changes at all — its database has no Signals schema — reports itself unavailable until a read succeeds, and the endpoints
/// answer 503 meanwhile instead of an empty, misleading "nothing changed". Thread-safe; registered by <c>AddSignals()</c>.
/// </summary>
internal sealed class SignalSourceStatus
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TimeSpan> _unavailable = new(StringComparer.Ordinal);
    private volatile Outage? _first;

    /// <summary>Records that a source cannot serve until it reports otherwise.</summary>
    /// <param name="source">The source's name (e.g. the context type's).</param>
    /// <param name="retryAfter">When a client should try again, at the soonest: the source's next attempt.</param>
    public void ReportUnavailable(string source, TimeSpan retryAfter)
    {
        lock (_lock)
        {
            _unavailable[source] = retryAfter;
            Refresh();
        }
    }

    /// <summary>Records that a source serves again (a no-op when it was not unavailable).</summary>
    /// <param name="source">The source's name.</param>
    public void ReportAvailable(string source)
    {
        lock (_lock)
        {
            if (_unavailable.Remove(source))
            {
                Refresh();
            }
        }
    }

    /// <summary>Tells whether a source cannot serve now, and when to try again.</summary>
    /// <param name="retryAfter">The longest wait any unavailable source asks for; <see cref="TimeSpan.Zero"/> when all serve.</param>
    /// <returns><see langword="true"/> while some source is unavailable.</returns>
    public bool IsUnavailable(out TimeSpan retryAfter)
    {
        Outage? first = _first;
        retryAfter = first?.RetryAfter ?? TimeSpan.Zero;
        return first is not null;
    }

    private void Refresh()
        => _first = _unavailable.Count == 0 ? null : new Outage(_unavailable.Values.Max());

    private sealed record Outage(TimeSpan RetryAfter);
}
