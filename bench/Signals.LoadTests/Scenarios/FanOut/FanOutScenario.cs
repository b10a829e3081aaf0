using System.Diagnostics;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Measuring;
using Signals.LoadTests.Model;
using Signals.LoadTests.Reporting;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>
/// Fan-out: one change to 1,000 and then 10,000 subscribers of one key on one server, measured as the time from the change until the
/// last subscriber has it, and the server's memory per idle connection — for Signals (a commit through EF Core), a bare ASP.NET Core
/// SSE broadcaster (the ceiling) and SignalR over WebSockets (the peer), each on its own server process, one after the other.
/// </summary>
/// <remarks>
/// The server runs in a child process: its resident set size is then its own, and its connections count against its own open-files
/// limit (20,000 here), as the client's do against the harness's. Memory per connection is (RSS with N connections − RSS before any)
/// / N, each read after a full compacting collection in the server.
/// </remarks>
internal sealed class FanOutScenario : Scenario
{
    /// <summary>Below the 20,000 open-files limit per process, with room for the runtime's own files.</summary>
    private const int MaxConnections = 19_000;
    private const int WarmUpConnections = 10;

    /// <summary>
    /// The fewest changes made to the warm-up subscribers before the measured rounds. A method the change path calls once per change
    /// (the <c>SaveChanges</c>, the dispatcher's read, the broadcast) leaves tier 0 after 30 calls and, with dynamic PGO, its
    /// instrumented tier after 30 more: with 5 warm-up changes and 20 rounds, Signals' save and read ran tier-0 code through every
    /// 1,000-subscriber round, while the per-connection code both SSE variants share was warm after the first round.
    /// </summary>
    private const int WarmUpRounds = 100;

    /// <summary>
    /// After <see cref="WarmUpRounds"/>, the warm-up goes on until the server compiled no method during this many changes in a row…: more
    /// than the 30 calls a method called once per change needs to reach its next tier once its calls are counted (the runtime delays
    /// counting while it compiles other methods), so a quiet streak this long leaves none of them halfway.
    /// </summary>
    private const int QuietWarmUpRounds = 64;

    /// <summary>…or until this much time went by (a loaded machine's background compiler may not settle).</summary>
    private static readonly TimeSpan WarmUpBudget = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(30);
    private static readonly FanOutVariant[] Variants = [FanOutVariant.Signals, FanOutVariant.Sse, FanOutVariant.SignalR];

    public override string Name => "fan-out";

    public override string Title => "Fan-out to SSE subscribers vs bare SSE and SignalR";

    public override async Task<Measurement> MeasureAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> sizes = context.Options.Connections ?? context.Pick<int[]>([1_000, 10_000], [100, 1_000]);
        int rounds = context.Options.Rounds ?? context.Pick(20, 5);
        FanOutVariant[] variants = context.Options.Variants is { } names
            ? [.. names.Select(static name => Enum.TryParse(name, ignoreCase: true, out FanOutVariant v) ? v : throw new ArgumentException($"--variants takes signals, sse and signalr; got '{name}'."))]
            : Variants;
        if (sizes.Max() > MaxConnections)
        {
            throw new ArgumentException($"At most {MaxConnections:N0} connections per process fit under the open-files limit of 20,000.");
        }

        BenchPostgres postgres = await context.GetPostgresAsync(cancellationToken);
        string connectionString = await postgres.CreateDatabaseAsync("fan_out", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(connectionString, (int)FanOutServer.ItemId, cancellationToken);

        var rows = new List<Row>();
        foreach (FanOutVariant variant in variants)
        {
            await using ServerProcess server = await ServerProcess.StartAsync(
                variant, variant == FanOutVariant.Signals ? connectionString : null, cancellationToken);
            await using (Subscribers warmUp = Connect(variant, server, WarmUpConnections, cancellationToken))
            {
                await warmUp.OpenAsync(WarmUpConnections, cancellationToken);
                long warmUpStarted = Stopwatch.GetTimestamp();
                int warmUps = 0;
                for (int quiet = 0; warmUps < WarmUpRounds || (quiet < QuietWarmUpRounds && Stopwatch.GetElapsedTime(warmUpStarted) < WarmUpBudget); warmUps++)
                {
                    long compiled = server.CompiledMethods;
                    await warmUp.RunRoundAsync(server.TriggerAsync, RoundTimeout, cancellationToken);
                    quiet = server.CompiledMethods == compiled ? quiet + 1 : 0;
                }

                Console.WriteLine($"   {variant}: {warmUps} warm-up changes");
            }

            long idle = await server.MeasureResidentBytesAsync(cancellationToken);
            server.ChangeCalls.Clear();
            await using Subscribers subscribers = Connect(variant, server, sizes.Max(), cancellationToken);
            foreach (int size in sizes)
            {
                await subscribers.OpenAsync(size, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                long resident = await server.MeasureResidentBytesAsync(cancellationToken);
                var last = new Latencies();
                var median = new Latencies();
                long compiled = server.CompiledMethods;
                for (int round = 0; round < rounds; round++)
                {
                    (double lastMs, double medianMs) = await subscribers.RunRoundAsync(server.TriggerAsync, RoundTimeout, cancellationToken);
                    last.Add(lastMs);
                    median.Add(medianMs);
                    if (round == 1)
                    {
                        // Counted from the second round's change on (the count the server sent with it, once the first round was
                        // delivered): opening the connections and the first delivery to them compile code of their own.
                        compiled = server.CompiledMethods;
                    }

                    await Task.Delay(100, cancellationToken);
                }

                var row = new Row(variant, size, last.Summarize(), median.Percentile(50), server.ChangeCalls.Percentile(50), (resident - idle) / 1024.0 / size, server.CompiledMethods - compiled);
                Console.WriteLine($"   {variant} × {size:N0}: last subscriber {row.Last}; half of them p50 {row.MedianP50:0.##} ms; " +
                    $"change call p50 {row.ChangeCallP50:0.##} ms; {row.KilobytesPerConnection:0.#} KB RSS per connection; {row.JitCompiled} methods JIT-compiled after the first round");
                server.ChangeCalls.Clear();
                rows.Add(row);
            }
        }

        // One line per subscriber count, one column per variant and figure: the shape gnuplot's clustered histograms read.
        await context.Results.WriteChartDataAsync(
            "fan-out",
            ["connections", .. Columns("p50_ms"), .. Columns("p99_ms"), .. Columns("kb_per_connection")],
            sizes.Select(size =>
            {
                Row?[] at = [.. Variants.Select(v => rows.SingleOrDefault(r => r.Variant == v && r.Connections == size))];
                return (IReadOnlyList<object>)[
                    size,
                    .. at.Select(static r => (object)(r?.Last.P50 ?? double.NaN)),
                    .. at.Select(static r => (object)(r?.Last.P99 ?? double.NaN)),
                    .. at.Select(static r => (object)(r?.KilobytesPerConnection ?? double.NaN))];
            }),
            cancellationToken);
        return Report(postgres, sizes, rounds, rows);
    }

    private static Subscribers Connect(FanOutVariant variant, ServerProcess server, int capacity, CancellationToken deadline) => variant switch
    {
        FanOutVariant.Signals => new SseSubscribers(server.Address, "/signals/events?key=bench:item:1", server.GetCursorAsync, capacity, deadline),
        FanOutVariant.Sse => new SseSubscribers(server.Address, "/sse", null, capacity, deadline),
        _ => new SignalRSubscribers(server.Address, capacity),
    };

    private static IEnumerable<string> Columns(string figure) => Variants.Select(v => $"{v.ToString().ToLowerInvariant()}_{figure}");

    private static string Label(FanOutVariant variant) => variant switch
    {
        FanOutVariant.Signals => "Signals",
        FanOutVariant.Sse => "bare SSE",
        _ => "SignalR",
    };

    private static Measurement Report(BenchPostgres postgres, IReadOnlyList<int> sizes, int rounds, List<Row> rows)
    {
        var figures = new List<Figure>();
        foreach (int size in sizes)
        {
            Row? sse = rows.SingleOrDefault(r => r.Variant == FanOutVariant.Sse && r.Connections == size);
            foreach (Row row in rows.Where(r => r.Connections == size))
            {
                string name = $"{size:N0} subscribers, {Label(row.Variant)}";
                figures.Add(row.Variant == FanOutVariant.Signals && sse is not null
                    ? Figure.AtMost($"{name}: change → last subscriber p50", row.Last.P50, "ms", 1.2 * sse.Last.P50, $"≤ 1.2 × bare SSE = {1.2 * sse.Last.P50:0.#} ms")
                    : new Figure($"{name}: change → last subscriber p50", row.Last.P50, "ms"));
                figures.Add(new Figure($"{name}: p99 / max", row.Last.P99, $"ms / {row.Last.Max:0.#} ms"));
                figures.Add(new Figure($"{name}: half the subscribers p50 / change call p50", row.MedianP50, $"ms / {row.ChangeCallP50:0.##} ms"));
                figures.Add(new Figure($"{name}: methods JIT-compiled after the first round", row.JitCompiled, "methods"));
                figures.Add(row.Variant == FanOutVariant.Signals && sse is not null && size == sizes.Max()
                    ? Figure.AtMost($"{name}: RSS per idle connection", row.KilobytesPerConnection, "KB", 1.15 * sse.KilobytesPerConnection, $"≤ 1.15 × bare SSE = {1.15 * sse.KilobytesPerConnection:0.#} KB")
                    : new Figure($"{name}: RSS per idle connection", row.KilobytesPerConnection, "KB"));
            }
        }

        return new Measurement(
            [
                postgres.Description + " (Signals only)",
                $"each variant on its own server process (Kestrel, 127.0.0.1, server GC), subscribers opened by the harness process: {string.Join(" then ", sizes.Select(static s => s.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} connections, {rounds} changes at each count",
                "Signals: GET /signals/events?key=bench:item:1 (heartbeat 15 s, the default); the change is a SaveChanges of the row, timed from just before the call (it includes the commit)",
                "bare SSE: TypedResults.ServerSentEvents over a bounded channel (16, drop oldest) per connection; SignalR: MapHub + Clients.All.SendAsync, JSON protocol over WebSockets; both timed from just before the broadcast call",
                $"before the rounds, changes to {WarmUpConnections} subscribers warm each variant's change path past the JIT's tiering (a method called once per change leaves tier 0 after 30 calls): at least {WarmUpRounds}, then until {QuietWarmUpRounds} changes in a row compiled nothing, for at most {WarmUpBudget.TotalSeconds:0} s; 'methods JIT-compiled after the first round' is what the server compiled from the second round's change to the last one, tier-ups included (0 when the code the rounds run was final)",
                "SSE clients: HttpClient + SseParser; SignalR clients: the SignalR .NET client (HubConnection), WebSockets without negotiation, its default 15 s keep-alive pings",
                "memory: (server RSS with N connections − RSS before any) / N, each after a full compacting GC in the server",
                "'change call': how long SaveChanges (Signals) or the broadcast call took on the server; 'half the subscribers': until the median subscriber had the change",
            ],
            figures);
    }

    /// <summary>What one variant measured at one subscriber count.</summary>
    private sealed record Row(FanOutVariant Variant, int Connections, LatencySummary Last, double MedianP50, double ChangeCallP50, double KilobytesPerConnection, long JitCompiled);
}
