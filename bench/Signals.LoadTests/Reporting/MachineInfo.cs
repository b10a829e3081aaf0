using System.Runtime;
using System.Runtime.InteropServices;

namespace Signals.LoadTests.Reporting;

/// <summary>The machine a result came from, so figures are never compared across machines by accident.</summary>
/// <param name="Cpu">The CPU model.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="MemoryGiB">Physical memory.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="Gc">The garbage collector mode.</param>
/// <param name="LoadAverage">The 1/5/15-minute load average when the scenario started: above the core count, other work was running.</param>
internal sealed record MachineInfo(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime, string Gc, string LoadAverage)
{
    /// <summary>Describes this machine now.</summary>
    /// <returns>The description.</returns>
    public static MachineInfo Current() => new(
        ReadCpuModel(),
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        GCSettings.IsServerGC ? "server" : "workstation",
        ReadLoadAverage());

    /// <summary>Reads the 1/5/15-minute load average.</summary>
    /// <returns>E.g. <c>1.52 1.62 2.20</c>, or <c>unknown</c>.</returns>
    public static string ReadLoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string ReadCpuModel()
        => File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(static l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : RuntimeInformation.ProcessArchitecture.ToString();
}
