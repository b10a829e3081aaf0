using System.Globalization;
using System.Text;

namespace Signals.LoadTests.Reporting;

/// <summary>
/// Regenerates the generated parts of <c>bench/README.md</c> from the results directory: the figures table (between
/// <c>&lt;!-- figures:begin --&gt;</c> and <c>&lt;!-- figures:end --&gt;</c>) and the micro-benchmark tables that
/// <c>run-all.sh</c> copies to <c>results/micro</c> (between <c>&lt;!-- micro:begin --&gt;</c> and <c>&lt;!-- micro:end --&gt;</c>).
/// A scenario that also has a result in <c>results/before</c> (the same harness run against an earlier version of the library,
/// <c>run-all.sh --before &lt;git ref&gt;</c>) gets a <c>before</c> column beside the figures.
/// </summary>
internal static class ReadmeReport
{
    /// <summary>The subdirectory of the results that holds the earlier version's results, shown in a <c>before</c> column.</summary>
    public const string BeforeDirectory = "before";

    private static readonly string[] Order = ["commit-to-event", "write-overhead", "write-cost", "sync", "fan-out", "scale"];

    /// <summary>Rewrites the generated parts of the README.</summary>
    /// <param name="results">The results.</param>
    /// <param name="readmePath">The README; it must hold both pairs of markers.</param>
    /// <exception cref="InvalidOperationException">A marker is missing.</exception>
    public static void Update(ResultStore results, string readmePath)
    {
        string readme = File.ReadAllText(readmePath);
        IReadOnlyDictionary<string, ScenarioResult> before = new ResultStore(Path.Combine(results.Directory, BeforeDirectory)).ReadAll();
        readme = Replace(readme, "figures", Figures(results.ReadAll(), before, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(readmePath))!, "charts")));
        readme = Replace(readme, "micro", Micro(Path.Combine(results.Directory, "micro")));
        File.WriteAllText(readmePath, readme);
    }

    private static string Figures(
        IReadOnlyDictionary<string, ScenarioResult> results, IReadOnlyDictionary<string, ScenarioResult> before, string chartsDirectory)
    {
        var text = new StringBuilder();
        foreach (ScenarioResult result in Order.Where(results.ContainsKey).Select(name => results[name]))
        {
            text.Append(CultureInfo.InvariantCulture, $"### {result.Title} (`{result.Scenario}`)\n\n");
            ScenarioResult? earlier = before.GetValueOrDefault(result.Scenario);
            Describe(text, earlier is null ? "Measured" : "After: measured", result);
            if (earlier is not null)
            {
                Describe(text, "Before (the same harness on the earlier library): measured", earlier);
            }

            foreach (string line in result.Setup)
            {
                text.Append(CultureInfo.InvariantCulture, $"- {line}\n");
            }

            text.Append(earlier is null ? "\n| figure | measured | goal | |\n| --- | ---: | --- | --- |\n" : "\n| figure | before | after | goal | |\n| --- | ---: | ---: | --- | --- |\n");
            foreach (Figure figure in result.Figures)
            {
                string met = figure.Met switch { true => "met", false => "**missed**", null => string.Empty };
                string then = earlier is null
                    ? string.Empty
                    : earlier.Figures.FirstOrDefault(f => f.Name == figure.Name && f.Unit == figure.Unit) is { } old ? $" {Format(old.Value)} {old.Unit} |" : " |";
                text.Append(CultureInfo.InvariantCulture, $"| {figure.Name} |{then} {Format(figure.Value)} {figure.Unit} | {figure.Goal} | {met} |\n");
            }

            text.Append('\n');
            if (File.Exists(Path.Combine(chartsDirectory, result.Scenario + ".gp")))
            {
                text.Append(CultureInfo.InvariantCulture, $"![{result.Title}](charts/{result.Scenario}.png)\n\n");
            }
        }

        return text.Length == 0 ? "No results yet: run `bench/run-all.sh`.\n" : text.ToString();
    }

    /// <summary>Says when, where and under what load a result was measured, and warns when the machine was busy.</summary>
    private static void Describe(StringBuilder text, string lead, ScenarioResult result)
    {
        MachineInfo m = result.Machine;
        text.Append(CultureInfo.InvariantCulture,
            $"{lead} {result.MeasuredAt:yyyy-MM-dd HH:mm} UTC in {result.Seconds:0} s{(result.Quick ? " with `--quick` (a smoke run: these figures only show that it works)" : "")}; " +
            $"{m.Cpu}, {m.Cores} cores, {m.MemoryGiB} GiB, {m.Os}, {m.Runtime}, {m.Gc} GC; load average at start {m.LoadAverage}.\n\n");
        if (double.TryParse(m.LoadAverage.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double load) && load > m.Cores)
        {
            text.Append("**The load average was above the core count: other work shared the machine, so these figures are distorted. " +
                "Re-run on a quiet machine before quoting them.**\n\n");
        }
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
