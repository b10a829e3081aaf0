using System.Globalization;

namespace Signals.LoadTests.Measuring;

/// <summary>Reads a process's resident set size from <c>/proc/{pid}/status</c> (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>Gets the resident set size (<c>VmRSS</c>).</summary>
    /// <param name="processId">The process.</param>
    /// <returns>Bytes.</returns>
    /// <exception cref="InvalidOperationException">The status file has no <c>VmRSS</c> line (not Linux, or the process is gone).</exception>
    public static long ResidentBytes(int processId)
    {
        foreach (string line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{processId}/status has no VmRSS line.");
    }
}
