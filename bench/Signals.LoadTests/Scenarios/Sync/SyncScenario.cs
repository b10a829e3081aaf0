using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text.Json;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Measuring;
using Signals.LoadTests.Reporting;

namespace Signals.LoadTests.Scenarios.Sync;

/// <summary>
/// Sync throughput: <c>POST /signals/sync</c> with 1, 100 and 1,000 known keys, and the cursor form (<c>POST /signals/changes</c>) with
/// 1,000 keys, against an empty endpoint (reads the body, answers a constant sync response) in the same process and run, both driven by
/// wrk; then the server time of one request with 10,000 keys; then 1,000 identical long-polls through nginx's cache (<see cref="CachedPolls"/>).
/// </summary>
/// <remarks>
/// <para>The target is a parameter (<c>--url</c>), so any server speaking the sync protocol can be measured with the same bodies
/// (the Reality form: <c>known</c>, <c>clientId</c>, <c>mode</c>, <c>hint</c>). Against the in-process Signals endpoint every known
/// version is current (the common poll: nothing changed); against another server the keys are sent as never seen (version 0).</para>
/// <para>Why wrk and not an in-process <see cref="HttpClient"/> load generator: on 2 cores the client competes with the server for CPU.
/// wrk (C, epoll) spends a fraction of what HttpClient does per request, so more of the machine measures the server — the
/// ~90k req/s of a trivial Kestrel endpoint here is only reachable with wrk — and it works against any URL.</para>
/// </remarks>
internal sealed class SyncScenario : Scenario
{
    private const int Connections = 64;
    private const int ServerTimeKeys = 10_000;
    private static readonly int[] KnownKeyCounts = [1, 100, 1_000];
    private const int CursorFormKeys = 1_000;
    private static readonly byte[] EmptyResponse = """{"changed":{},"mesh":{"peers":{},"serverVersion":0},"serverTime":0}"""u8.ToArray();

    public override string Name => "sync";

    public override string Title => "Sync throughput vs an empty endpoint";

    public override async Task<Measurement> MeasureAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        Wrk.EnsureInstalled();
        int seconds = context.Pick(10, 3);
        int serverTimeRequests = context.Pick(200, 30);

        var serverTimes = new ServerTimes();
        var cachedPolls = new CachedPolls();
        WebApplicationBuilder builder = BenchApp.CreateBuilder();
        builder.Services.AddSignals(o =>
        {
            o.InstanceId = "bench";
            o.MaxKeysPerSubscription = ServerTimeKeys;
        }).AddHttpEndpoints();
        WebApplication app = builder.Build();
        app.Use(serverTimes.Middleware);
        app.Use(cachedPolls.Middleware);
        app.MapSignals();
        app.MapPost("/empty", EmptyAsync);
        Uri address = await BenchApp.StartAsync(app, cancellationToken);
        string bodies = Directory.CreateTempSubdirectory("signals-sync-").FullName;
        try
        {
            bool external = context.Options.SyncUrl is not null;
            Uri target = context.Options.SyncUrl ?? new Uri(address, "/signals/sync");
            Uri empty = context.Options.EmptyUrl ?? new Uri(address, "/empty");
            SignalHub hub = app.Services.GetRequiredService<SignalHub>();
            for (int i = 1; i <= ServerTimeKeys; i++)
            {
                hub.Publish(new SignalVersion(Key(i), i, null, DateTimeOffset.UtcNow));
            }

            Func<int, long> current = external ? static _ => 0 : static i => i;
            string warmUp = await WriteBodyAsync(bodies, 100, current, cancellationToken);
            await Wrk.RunAsync(empty, warmUp, 2, Connections, cancellationToken);
            await Wrk.RunAsync(target, warmUp, 2, Connections, cancellationToken);

            var runs = new List<(int Keys, WrkResult Empty, WrkResult Signals)>();
            foreach (int keys in KnownKeyCounts)
            {
                string body = await WriteBodyAsync(bodies, keys, current, cancellationToken);

                // Alternate which endpoint goes first, so neither always runs on a warmer (or more tired) machine.
                bool emptyFirst = runs.Count % 2 == 0;
                WrkResult first = await Wrk.RunAsync(emptyFirst ? empty : target, body, seconds, Connections, cancellationToken);
                WrkResult second = await Wrk.RunAsync(emptyFirst ? target : empty, body, seconds, Connections, cancellationToken);
                (WrkResult e, WrkResult s) = emptyFirst ? (first, second) : (second, first);
                Console.WriteLine($"   {keys} keys: empty {e}; sync {s}");
                runs.Add((keys, e, s));
            }

            // The cursor form, where nothing changed since the client's cursor (the common poll); a Reality server has no such form.
            WrkResult? cursorEmpty = null, cursorForm = null;
            if (!external)
            {
                string body = await WriteCursorBodyAsync(bodies, CursorFormKeys, hub.SettledCursor, cancellationToken);
                cursorForm = await Wrk.RunAsync(new Uri(address, "/signals/changes"), body, seconds, Connections, cancellationToken);
                cursorEmpty = await Wrk.RunAsync(empty, body, seconds, Connections, cancellationToken);
                Console.WriteLine($"   {CursorFormKeys} keys, cursor form: empty {cursorEmpty}; sync {cursorForm}");
            }

            string allCurrent = await WriteBodyAsync(bodies, ServerTimeKeys, current, cancellationToken);
            string allChanged = await WriteBodyAsync(bodies, ServerTimeKeys, static _ => 0, cancellationToken);
            Latencies currentTimes = await TimeRequestsAsync(target, allCurrent, serverTimeRequests, serverTimes, external, cancellationToken);
            Latencies changedTimes = await TimeRequestsAsync(target, allChanged, serverTimeRequests, serverTimes, external, cancellationToken);
            Console.WriteLine($"   {ServerTimeKeys} keys: all current {currentTimes.Summarize()}; all changed {changedTimes.Summarize()}");
            (int Upstream, int Delivered)? cached = external ? null : await cachedPolls.RunAsync(address, hub, Key(1), cancellationToken);
            Console.WriteLine($"   {CachedPolls.Clients} identical polls through nginx's cache: {cached}");

            await context.Results.WriteChartDataAsync(
                "sync",
                ["keys", "empty_rps", "sync_rps", "empty_p99_ms", "sync_p99_ms"],
                runs.Select(static r => (IReadOnlyList<object>)[r.Keys, r.Empty.RequestsPerSecond, r.Signals.RequestsPerSecond, r.Empty.P99 / 1000, r.Signals.P99 / 1000]),
                cancellationToken);
            Measurement measured = Report(target, empty, external, seconds, serverTimeRequests, runs, currentTimes, changedTimes);
            return external ? measured : WithCursorForm(measured, cursorEmpty!, cursorForm!, cached!.Value);
        }
        finally
        {
            Directory.Delete(bodies, recursive: true);
            await BenchApp.StopAsync(app);
        }
    }

    private static SignalKey Key(int i) => SignalKey.Create("bench:item", SignalKey.FormatArgument(i));

    /// <summary>The ceiling: reads the whole body, as the sync endpoint must, and answers a constant sync response.</summary>
    private static async Task<IResult> EmptyAsync(HttpRequest request)
    {
        PipeReader body = request.BodyReader;
        while (true)
        {
            ReadResult read = await body.ReadAsync();
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return TypedResults.Bytes(EmptyResponse, "application/json");
            }
        }
    }

    /// <summary>Writes a sync request in the Reality form, with keys <c>bench:item:1..keys</c>.</summary>
    private static async Task<string> WriteBodyAsync(string directory, int keys, Func<int, long> version, CancellationToken cancellationToken)
    {
        string file = Path.Combine(directory, $"{keys}-{version(keys)}.json");
        await using FileStream stream = File.Create(file);
        await using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteStartObject("known");
        for (int i = 1; i <= keys; i++)
        {
            json.WriteNumber(Key(i).Value, version(i));
        }

        json.WriteEndObject();
        json.WriteString("clientId", "9b2f4c1e-3a5d-4e6f-8a7b-0c1d2e3f4a5b");
        json.WriteString("mode", "native");
        json.WriteString("hint", "interaction");
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        return file;
    }

    /// <summary>Writes a request of the cursor form: keys <c>bench:item:1..keys</c> and the cursor.</summary>
    private static async Task<string> WriteCursorBodyAsync(string directory, int keys, long cursor, CancellationToken cancellationToken)
    {
        string file = Path.Combine(directory, $"cursor-{keys}.json");
        await using FileStream stream = File.Create(file);
        await using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteStartArray("keys");
        for (int i = 1; i <= keys; i++)
        {
            json.WriteStringValue(Key(i).Value);
        }

        json.WriteEndArray();
        json.WriteString("cursor", cursor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        return file;
    }

    /// <summary>Adds the cursor form's figures and the shared cache's to the measurement.</summary>
    private static Measurement WithCursorForm(Measurement measured, WrkResult empty, WrkResult cursorForm, (int Upstream, int Delivered) cached)
    {
        double share = 100 * cursorForm.RequestsPerSecond / empty.RequestsPerSecond;
        return new Measurement(
            [
                .. measured.Setup,
                $"cursor form: POST /signals/changes with {CursorFormKeys:N0} keys and the hub's settled cursor (nothing changed since), against the empty endpoint with the same body",
                $"shared cache: {CachedPolls.Clients:N0} concurrent identical GET /signals/changes long-polls (waitMs 20,000) through nginx (proxy_cache, proxy_cache_lock), all waiting at the proxy before one key changes; requests counted by a middleware in the app",
            ],
            [
                .. measured.Figures,
                new Figure($"{CursorFormKeys:N0} keys (cursor form): sync", cursorForm.RequestsPerSecond, "req/s"),
                Figure.AtLeast($"{CursorFormKeys:N0} keys (cursor form): sync ÷ empty", share, "%", 50),
                Figure.AtMost($"{CachedPolls.Clients:N0} identical polls through the cache: upstream requests", cached.Upstream, "requests", 5),
                Figure.AtLeast($"{CachedPolls.Clients:N0} identical polls through the cache: clients that got the change", cached.Delivered, "clients", CachedPolls.Clients),
            ]);
    }

    /// <summary>Sends one request at a time and times each: on the server (in-process target) or as the client sees it (any other).</summary>
    private static async Task<Latencies> TimeRequestsAsync(
        Uri target, string bodyFile, int count, ServerTimes serverTimes, bool external, CancellationToken cancellationToken)
    {
        byte[] body = await File.ReadAllBytesAsync(bodyFile, cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var client = new Latencies();
        for (int i = -20; i < count; i++)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            long start = Stopwatch.GetTimestamp();
            serverTimes.Recording = i >= 0;
            using HttpResponseMessage response = await http.PostAsync(target, content, cancellationToken);
            await response.Content.CopyToAsync(Stream.Null, cancellationToken);
            response.EnsureSuccessStatusCode();
            if (i >= 0)
            {
                client.AddTicks(start, Stopwatch.GetTimestamp());
            }
        }

        serverTimes.Recording = false;
        return external ? client : serverTimes.Take();
    }

    private static Measurement Report(
        Uri target, Uri empty, bool external, int seconds, int serverTimeRequests, List<(int Keys, WrkResult Empty, WrkResult Signals)> runs, Latencies allCurrent, Latencies allChanged)
    {
        var figures = new List<Figure>();
        foreach ((int keys, WrkResult e, WrkResult s) in runs)
        {
            figures.Add(new Figure($"{keys:N0} keys: empty endpoint", e.RequestsPerSecond, "req/s"));
            figures.Add(new Figure($"{keys:N0} keys: sync", s.RequestsPerSecond, "req/s"));
            figures.Add(new Figure($"{keys:N0} keys: sync p50 / p99", s.P50 / 1000, $"ms / {s.P99 / 1000:0.##} ms"));
            double share = 100 * s.RequestsPerSecond / e.RequestsPerSecond;
            figures.Add(keys == 100
                ? Figure.AtLeast($"{keys:N0} keys: sync ÷ empty", share, "%", 50)
                : new Figure($"{keys:N0} keys: sync ÷ empty", share, "%"));
        }

        string where = external ? "client-observed, one request at a time" : "server time, one request at a time";
        LatencySummary current = allCurrent.Summarize();
        LatencySummary changed = allChanged.Summarize();
        figures.Add(Figure.AtMost($"{ServerTimeKeys:N0} keys, all current: p50 ({where})", current.P50, "ms", 5));
        figures.Add(new Figure($"{ServerTimeKeys:N0} keys, all current: p99", current.P99, "ms"));
        figures.Add(new Figure($"{ServerTimeKeys:N0} keys, all changed: p50", changed.P50, "ms"));
        figures.Add(new Figure($"{ServerTimeKeys:N0} keys, all changed: p99", changed.P99, "ms"));
        return new Measurement(
            [
                $"target {target}; empty endpoint {empty}" + (external ? " (external target: keys sent as never seen, version 0)" : " (both in the harness process, Kestrel on 127.0.0.1)"),
                $"wrk -t2 -c{Connections} -d{seconds}s per run, one run per endpoint and key count, alternating which goes first; bodies in the Reality form (known, clientId, mode, hint)",
                external ? "known versions: 0 for every key" : "known versions: all current (the hub holds bench:item:1..10,000, so the response's changed is empty)",
                $"{ServerTimeKeys:N0} keys: {serverTimeRequests} sequential requests after 20 warm-up ones; " +
                    (external ? "timed by the client" : "timed by a middleware around the endpoint (from routing to the written response)") +
                    "; 'all changed' knows version 0 of every key, so the response lists all 10,000",
            ],
            figures);
    }

    /// <summary>Times requests to the sync endpoint on the server, while <see cref="Recording"/> is set.</summary>
    private sealed class ServerTimes
    {
        private readonly Lock _lock = new();
        private Latencies _times = new();

        public bool Recording { get; set; }

        public async Task Middleware(HttpContext context, RequestDelegate next)
        {
            if (!Recording || !context.Request.Path.StartsWithSegments("/signals/sync", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            long start = Stopwatch.GetTimestamp();
            await next(context);
            long end = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                _times.AddTicks(start, end);
            }
        }

        public Latencies Take()
        {
            lock (_lock)
            {
                Latencies times = _times;
                _times = new Latencies();
                return times;
            }
        }
    }
}
