using System.Globalization;
using System.Text.Json;

namespace Signals.LoadTests.Reporting;

/// <summary>Writes and reads the results directory (<c>bench/results</c>): one JSON file per scenario, one CSV per chart.</summary>
/// <param name="directory">The directory; created when missing.</param>
internal sealed class ResultStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Gets the directory.</summary>
    public string Directory { get; } = directory;

    /// <summary>Writes a scenario's result as <c>{scenario}.json</c> and prints its figures.</summary>
    /// <param name="result">The result.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public async Task WriteAsync(ScenarioResult result, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(Path.Combine(Directory, result.Scenario + ".json"), JsonSerializer.Serialize(result, Json) + "\n", cancellationToken);
        Console.WriteLine($"== {result.Title} ({result.Seconds:0} s{(result.Quick ? ", --quick" : "")}, load average at start {result.Machine.LoadAverage})");
        foreach (Figure figure in result.Figures)
        {
            string goal = figure.Goal is null ? string.Empty : $"   goal {figure.Goal}: {(figure.Met == true ? "met" : "MISSED")}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {figure.Name}: {figure.Value:0.###} {figure.Unit}{goal}"));
        }
    }

    /// <summary>Writes chart data as a whitespace-separated file gnuplot reads (<c>{name}.dat</c>, a <c>#</c> header line).</summary>
    /// <param name="name">The file name without extension.</param>
    /// <param name="columns">The column names.</param>
    /// <param name="rows">The rows; strings are written in double quotes (one column each), so they must not contain one.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public async Task WriteChartDataAsync(string name, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<object>> rows, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var lines = new List<string> { "# " + string.Join(' ', columns) };
        lines.AddRange(rows.Select(static row => string.Join(' ', row.Select(static cell => cell switch
        {
            double d => double.IsFinite(d) ? d.ToString("0.####", CultureInfo.InvariantCulture) : "NaN",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => $"\"{cell}\"",
        }))));
        await File.WriteAllLinesAsync(Path.Combine(Directory, name + ".dat"), lines, cancellationToken);
    }

    /// <summary>Writes a text file next to the results (e.g. a detail table a scenario keeps beside its figures).</summary>
    /// <param name="name">The file name.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public async Task WriteTextAsync(string name, string text, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(Path.Combine(Directory, name), text, cancellationToken);
    }

    /// <summary>Reads every scenario result in the directory.</summary>
    /// <returns>The results, by scenario name.</returns>
    public IReadOnlyDictionary<string, ScenarioResult> ReadAll()
        => System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*.json")
                .Select(static file => JsonSerializer.Deserialize<ScenarioResult>(File.ReadAllText(file), Json)!)
                .ToDictionary(static r => r.Scenario, StringComparer.Ordinal)
            : new Dictionary<string, ScenarioResult>();
}
