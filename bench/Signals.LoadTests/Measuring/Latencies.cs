using System.Diagnostics;

namespace Signals.LoadTests.Measuring;

/// <summary>A set of latency samples in milliseconds, and their percentiles (nearest rank).</summary>
internal sealed class Latencies
{
    private readonly List<double> _milliseconds = [];
    private bool _sorted = true;

    /// <summary>Gets the number of samples.</summary>
    public int Count => _milliseconds.Count;

    /// <summary>Converts a <see cref="Stopwatch.GetTimestamp"/> difference to milliseconds.</summary>
    /// <param name="ticks">The difference.</param>
    /// <returns>Milliseconds.</returns>
    public static double ToMilliseconds(long ticks) => ticks * 1_000.0 / Stopwatch.Frequency;

    /// <summary>Adds a sample.</summary>
    /// <param name="milliseconds">The latency.</param>
    public void Add(double milliseconds)
    {
        _milliseconds.Add(milliseconds);
        _sorted = false;
    }

    /// <summary>Adds a sample measured between two <see cref="Stopwatch.GetTimestamp"/> values.</summary>
    /// <param name="start">The start.</param>
    /// <param name="end">The end.</param>
    public void AddTicks(long start, long end) => Add(ToMilliseconds(end - start));

    /// <summary>Removes every sample.</summary>
    public void Clear() => _milliseconds.Clear();

    /// <summary>Gets a percentile.</summary>
    /// <param name="percent">0 to 100.</param>
    /// <returns>The sample at that rank, or <see cref="double.NaN"/> without samples.</returns>
    public double Percentile(double percent)
    {
        if (_milliseconds.Count == 0)
        {
            return double.NaN;
        }

        if (!_sorted)
        {
            _milliseconds.Sort();
            _sorted = true;
        }

        int rank = (int)Math.Ceiling(percent / 100.0 * _milliseconds.Count);
        return _milliseconds[Math.Clamp(rank - 1, 0, _milliseconds.Count - 1)];
    }

    /// <summary>Gets the median, the 99th percentile and the maximum.</summary>
    /// <returns>The summary.</returns>
    public LatencySummary Summarize() => new(Count, Percentile(50), Percentile(99), Percentile(100));
}
