using System.Globalization;

namespace Signals.LoadTests;

/// <summary>The command line: <c>&lt;command&gt; [options]</c> (see <see cref="Usage"/>).</summary>
internal sealed class HarnessOptions
{
    public const string Usage = """
        Signals load harness (loopback only; every loop is bounded in count and time).

        usage: dotnet run -c Release --project bench/Signals.LoadTests -- <command> [options]

        commands:
          commit-to-event   SaveChanges on instance A -> SSE event on instance B at 1,000 commits/s, next to raw NOTIFY
          write-overhead    SaveChanges with Signals vs plain: single-row update, 1,000-row batch, 64 concurrent writers
          write-cost        the same saves counted, not timed: statements, round trips, transactions, WAL, CPU, dispatcher reads and NOTIFYs, allocations
          sync              POST /sync req/s and latency for 1/100/1,000 known keys vs an empty endpoint (wrk); server time at 10,000 keys
          fan-out           one change to 1,000 and 10,000 SSE subscribers vs bare ASP.NET Core SSE and SignalR; memory per connection
          scale             start and RSS with 10,000,000 stored keys, sync of 1,000 cold keys, RSS after 1,000,000 keys asked, round trips per commit with 1-8 instances
          all               every scenario above, then report
          report            regenerate the figures table in bench/README.md from bench/results/*.json

        options:
          --quick               short smoke run (figures only show that the scenario works)
          --redis               commit-to-event: also measure the polling dispatcher woken by Redis (starts /usr/bin/redis-server)
          --results <dir>       where results go (default: bench/results of the repository)
          --readme <file>       the README the report updates (default: bench/README.md of the repository)
          --url <url>           sync: measure this sync endpoint instead of an in-process Signals one
          --empty-url <url>     sync: the empty endpoint to compare with (default: one in the harness process)
          --connections <list>  fan-out: subscriber counts, e.g. 1000,10000 (default; --quick: 100,1000)
          --rounds <n>          fan-out: changes per subscriber count (default 20; --quick: 5)
          --variants <list>     fan-out: which servers, e.g. signals,sse (default: signals,sse,signalr)

        environment:
          SIGNALS_BENCH_POSTGRES  connection string of a PostgreSQL server to use instead of a throwaway local one
        """;

    public required string Command { get; init; }

    public bool Quick { get; init; }

    public bool Redis { get; init; }

    public required string ResultsDirectory { get; init; }

    public required string ReadmePath { get; init; }

    public Uri? SyncUrl { get; init; }

    public Uri? EmptyUrl { get; init; }

    public IReadOnlyList<int>? Connections { get; init; }

    public int? Rounds { get; init; }

    public IReadOnlyList<string>? Variants { get; init; }

    /// <summary>Gets the options of the internal <c>serve-fan-out</c> command: <c>--variant</c> and <c>--connection-string</c>.</summary>
    public IReadOnlyDictionary<string, string> Raw { get; init; } = new Dictionary<string, string>();

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has a bad value.</exception>
    public static HarnessOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("Name a command.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool quick = false;
        bool redis = false;
        for (int i = 1; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--quick")
            {
                quick = true;
            }
            else if (name == "--redis")
            {
                redis = true;
            }
            else if (name.StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[name[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unknown or incomplete option '{name}'.");
            }
        }

        string[] known = ["results", "readme", "url", "empty-url", "connections", "rounds", "variants", "variant", "connection-string", "max-cached-keys"];
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"Unknown option '--{unknown}'.");
        }

        string bench = FindBenchDirectory();
        return new HarnessOptions
        {
            Command = args[0],
            Quick = quick,
            Redis = redis,
            ResultsDirectory = Path.GetFullPath(values.GetValueOrDefault("results") ?? Path.Combine(bench, "results")),
            ReadmePath = Path.GetFullPath(values.GetValueOrDefault("readme") ?? Path.Combine(bench, "README.md")),
            SyncUrl = values.TryGetValue("url", out string? url) ? AbsoluteUri(url, "--url") : null,
            EmptyUrl = values.TryGetValue("empty-url", out string? empty) ? AbsoluteUri(empty, "--empty-url") : null,
            Connections = values.TryGetValue("connections", out string? list)
                ? [.. list.Split(',').Select(static c => PositiveInt(c, "--connections"))]
                : null,
            Rounds = values.TryGetValue("rounds", out string? rounds) ? PositiveInt(rounds, "--rounds") : null,
            Variants = values.TryGetValue("variants", out string? variants) ? variants.Split(',') : null,
            Raw = values,
        };
    }

    private static Uri AbsoluteUri(string value, string option)
        => Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"{option} must be an absolute http(s) URL; got '{value}'.");

    private static int PositiveInt(string value, string option)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{option} takes positive integers; got '{value}'.");

    /// <summary>Finds <c>bench/</c> of the repository: upwards from the working directory, then from the binaries.</summary>
    private static string FindBenchDirectory()
    {
        foreach (string start in (string[])[Environment.CurrentDirectory, AppContext.BaseDirectory])
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Signals.sln")))
                {
                    return Path.Combine(directory.FullName, "bench");
                }
            }
        }

        return Path.Combine(Environment.CurrentDirectory, "bench");
    }
}
