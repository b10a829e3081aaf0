namespace Signals.LoadTests.Measuring;

/// <summary>The usual latency figures.</summary>
/// <param name="Count">How many samples.</param>
/// <param name="P50">The median, in ms.</param>
/// <param name="P99">The 99th percentile, in ms.</param>
/// <param name="Max">The maximum, in ms.</param>
internal readonly record struct LatencySummary(int Count, double P50, double P99, double Max)
{
    /// <inheritdoc/>
    public override string ToString() => $"p50 {P50:0.###} ms, p99 {P99:0.###} ms, max {Max:0.###} ms (n={Count})";
}
