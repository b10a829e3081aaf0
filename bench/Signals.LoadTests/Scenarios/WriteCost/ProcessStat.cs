using System.Globalization;

namespace Signals.LoadTests.Scenarios.WriteCost;

/// <summary>A process's parent and CPU time, from <c>/proc/&lt;pid&gt;/stat</c> (Linux).</summary>
/// <param name="ParentId">The parent process id.</param>
/// <param name="CpuSeconds">User plus system CPU time, in seconds.</param>
internal sealed record ProcessStat(int ParentId, double CpuSeconds)
{
    /// <summary>Clock ticks per second of <c>/proc</c>'s CPU times (<c>getconf CLK_TCK</c>; 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Reads a process's <c>stat</c> file.</summary>
    /// <param name="pid">The process.</param>
    /// <returns>The figures, or <see langword="null"/> when the process is gone or not readable.</returns>
    public static ProcessStat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: the fields that follow are counted from its end.
        string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        int parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new ProcessStat(parent, ticks / TicksPerSecond);
    }

    /// <summary>Tells whether a process is a PostgreSQL server process on this machine.</summary>
    /// <param name="pid">The process.</param>
    /// <returns><see langword="true"/> for a <c>postgres</c> process.</returns>
    public static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "postgres";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
