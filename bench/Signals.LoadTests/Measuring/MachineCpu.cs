using System.Globalization;

namespace Signals.LoadTests.Measuring;

/// <summary>
/// How busy the machine's processors were between two readings of <c>/proc/stat</c>'s <c>cpu</c> line (Linux): every process counts,
/// PostgreSQL's backends and the harness alike, so a run can say whether its latencies include queueing for the processors.
/// </summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    /// <summary>Reads the aggregate <c>cpu</c> line: jiffies spent busy (all but idle and iowait) and in all.</summary>
    /// <returns>The reading.</returns>
    /// <exception cref="InvalidOperationException"><c>/proc/stat</c> does not start with a <c>cpu</c> line (not Linux).</exception>
    public static MachineCpu Read()
    {
        string line = File.ReadLines("/proc/stat").First();
        if (!line.StartsWith("cpu ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("/proc/stat does not start with the aggregate cpu line.");
        }

        long[] jiffies = [.. line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(static j => long.Parse(j, CultureInfo.InvariantCulture))];
        long total = jiffies.Sum();
        return new MachineCpu(total - jiffies[3] - jiffies[4], total);
    }

    /// <summary>Gets the share of processor time spent busy since <paramref name="start"/>, in percent.</summary>
    /// <param name="start">The earlier reading.</param>
    /// <returns>0 to 100.</returns>
    public double BusyPercentSince(MachineCpu start)
        => Total == start.Total ? 0 : 100.0 * (Busy - start.Busy) / (Total - start.Total);
}
