using System.Globalization;
using System.Text;

namespace Signals.LoadTests.Reporting;

/// <summary>
/// Regenerates the generated parts of <c>bench/README.md</c> from the results directory: the figures table (between
/// <c>&lt;!-- figures:begin --&gt;</c> and <c>&lt;!-- figures:end --&gt;</c>) and the micro-benchmark tables that
/// <c>run-all.sh</c> copies to <c>results/micro</c> (between <c>&lt;!-- micro:begin --&gt;</c> and <c>&lt;!-- micro:end --&gt;</c>).
/// </summary>
internal static class ReadmeReport
{
    private static readonly string[] Order = ["commit-to-event", "write-overhead", "write-cost", "sync", "fan-out"];

    /// <summary>Rewrites the generated parts of the README.</summary>
    /// <param name="results">The results.</param>
    /// <param name="readmePath">The README; it must hold both pairs of markers.</param>
    /// <exception cref="InvalidOperationException">A marker is missing.</exception>
    public static void Update(ResultStore results, string readmePath)
    {
        string readme = File.ReadAllText(readmePath);
        readme = Replace(readme, "figures", Figures(results.ReadAll(), Path.Combine(Path.GetDirectoryName(Path.GetFullPath(readmePath))!, "charts")));
        readme = Replace(readme, "micro", Micro(Path.Combine(results.Directory, "micro")));
        File.WriteAllText(readmePath, readme);
    }

    private static string Figures(IReadOnlyDictionary<string, ScenarioResult> results, string chartsDirectory)
    {
        var text = new StringBuilder();
        foreach (ScenarioResult result in Order.Where(results.ContainsKey).Select(name => results[name]))
        {
            MachineInfo m = result.Machine;
            text.Append(CultureInfo.InvariantCulture, $"### {result.Title} (`{result.Scenario}`)\n\n");
            text.Append(CultureInfo.InvariantCulture,
                $"Measured {result.MeasuredAt:yyyy-MM-dd HH:mm} UTC in {result.Seconds:0} s{(result.Quick ? " with `--quick` (a smoke run: these figures only show that it works)" : "")}; " +
                $"{m.Cpu}, {m.Cores} cores, {m.MemoryGiB} GiB, {m.Os}, {m.Runtime}, {m.Gc} GC; load average at start {m.LoadAverage}.\n\n");
            if (double.TryParse(m.LoadAverage.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double load) && load > m.Cores)
            {
                text.Append("**The load average was above the core count: other work shared the machine, so these figures are distorted. " +
                    "Re-run on a quiet machine before quoting them.**\n\n");
            }

            foreach (string line in result.Setup)
            {
                text.Append(CultureInfo.InvariantCulture, $"- {line}\n");
            }

            text.Append("\n| figure | measured | goal | |\n| --- | ---: | --- | --- |\n");
            foreach (Figure figure in result.Figures)
            {
                string met = figure.Met switch { true => "met", false => "**missed**", null => string.Empty };
                text.Append(CultureInfo.InvariantCulture, $"| {figure.Name} | {Format(figure.Value)} {figure.Unit} | {figure.Goal} | {met} |\n");
            }

            text.Append('\n');
            if (File.Exists(Path.Combine(chartsDirectory, result.Scenario + ".gp")))
            {
                text.Append(CultureInfo.InvariantCulture, $"![{result.Title}](charts/{result.Scenario}.png)\n\n");
            }
        }

        return text.Length == 0 ? "No results yet: run `bench/run-all.sh`.\n" : text.ToString();
    }

    private static string Micro(string directory)
    {
        string[] reports = Directory.Exists(directory) ? [.. Directory.GetFiles(directory, "*-report-github.md").Order(StringComparer.Ordinal)] : [];
        if (reports.Length == 0)
        {
            return "No results yet: run `bench/run-all.sh`.\n";
        }

        var text = new StringBuilder();
        foreach (string report in reports)
        {
            string name = Path.GetFileName(report).Replace("-report-github.md", string.Empty, StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"#### {name[(name.LastIndexOf('.') + 1)..]}\n\n");
            text.Append(File.ReadAllText(report).Trim()).Append("\n\n");
        }

        return text.ToString();
    }

    private static string Format(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 or <= -100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 or <= -10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    private static string Replace(string readme, string section, string content)
    {
        string begin = $"<!-- {section}:begin -->";
        string end = $"<!-- {section}:end -->";
        int start = readme.IndexOf(begin, StringComparison.Ordinal);
        int stop = readme.IndexOf(end, StringComparison.Ordinal);
        if (start < 0 || stop < start)
        {
            throw new InvalidOperationException($"The README has no '{begin}' … '{end}' section to fill.");
        }

        return string.Concat(readme.AsSpan(0, start + begin.Length), "\n", content, readme.AsSpan(stop));
    }
}
