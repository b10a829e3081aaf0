using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Measuring;
using Signals.LoadTests.Model;
using Signals.LoadTests.Reporting;

namespace Signals.LoadTests.Scenarios.Scale;

/// <summary>
/// Issue 14's scale figures: an instance's start and memory with millions of stored keys (generated with <c>generate_series</c>), a
/// sync of 1,000 keys the hub does not hold (server time), memory after a million distinct keys were asked for (bounded by the hub's
/// cache), and the database round trips per commit per instance with 1 to 8 app instances (processes) on one PostgreSQL.
/// </summary>
/// <remarks>
/// Each instance is a <see cref="ScaleServer"/> process. Start to ready is from starting the process to its dispatcher's health check
/// being Healthy; the same is measured on an empty database as the baseline. Round trips are Npgsql commands counted in each process
/// (its <c>db.client.operation.duration</c> measurements), over a run of paced commits made through the first instance (so its
/// <c>NOTIFY</c> wakes the others), minus that instance's own saves; the safety poll's reads (1 s) are included.
/// </remarks>
internal sealed class ScaleScenario : Scenario
{
    private const int KeysPerSync = 1_000;

    public override string Name => "scale";

    public override string Title => "Scale: start, memory and cold-key sync with many stored keys; round trips per commit with 1-8 instances";

    public override TimeSpan TimeLimit => TimeSpan.FromMinutes(20);

    public override async Task<Measurement> MeasureAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        long stored = context.Pick(10_000_000L, 100_000L);
        long asked = context.Pick(1_000_000L, 20_000L);
        int cache = context.Pick(new SignalHubOptions().MaxCachedKeys, 5_000);
        int samples = context.Pick(200, 10);
        int[] instanceCounts = context.Pick<int[]>([1, 2, 4, 8], [1, 2]);
        int commits = context.Pick(2_000, 100);
        BenchPostgres postgres = await context.GetPostgresAsync(cancellationToken);
        var setup = new List<string> { postgres.Description };
        var figures = new List<Figure>();

        string empty = await postgres.CreateDatabaseAsync("scale_empty", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(empty, ScaleServer.Items, cancellationToken);
        TimeSpan emptyReady;
        long emptyResident;
        await using (ScaleProcess app = await ScaleProcess.StartAsync(empty, cache, cancellationToken))
        {
            emptyReady = app.StartToReady;
            emptyResident = await app.MeasureResidentBytesAsync(cancellationToken);
        }

        string database = await postgres.CreateDatabaseAsync("scale", cancellationToken);
        await BenchDbContext.CreateSchemaAsync(database, ScaleServer.Items, cancellationToken);
        TimeSpan generation = await GenerateKeysAsync(database, stored, cancellationToken);
        setup.Add(string.Create(CultureInfo.InvariantCulture, $"{stored:N0} keys in signals_state (generate_series, {generation.TotalSeconds:0.0} s, then ANALYZE); hub cache (Signals:Hub:MaxCachedKeys) {cache:N0} keys"));
        Console.WriteLine($"   {setup[^1]}");

        await using (ScaleProcess app = await ScaleProcess.StartAsync(database, cache, cancellationToken))
        {
            figures.Add(Figure.AtMost($"start to ready with {stored:N0} stored keys", app.StartToReady.TotalSeconds, "s", 2));
            figures.Add(new Figure("start to ready with an empty database (baseline)", emptyReady.TotalSeconds, "s"));
            figures.Add(Figure.AtMost($"RSS after start with {stored:N0} stored keys", await app.MeasureResidentBytesAsync(cancellationToken) / 1e6, "MB", 150));
            figures.Add(new Figure("RSS after start with an empty database (baseline)", emptyResident / 1e6, "MB"));

            // Every sync names keys no sync named before, knowing their current version (state version = key number).
            long next = 1;
            for (int i = 0; i < samples; i++)
            {
                next = await SyncColdKeysAsync(app, next, cancellationToken);
            }

            (Latencies server, Latencies inDatabase) = await ReadSyncTimesAsync(app, cancellationToken);
            setup.Add($"sync of {KeysPerSync:N0} cold keys, server time (the endpoint's handling, in the instance): {server.Summarize()}");
            setup.Add($"of which in Npgsql commands (the cold read of the keys' versions): {inDatabase.Summarize()}");
            figures.Add(Figure.AtMost($"sync of {KeysPerSync:N0} cold keys p50", server.Percentile(50), "ms", 20));
            figures.Add(new Figure($"sync of {KeysPerSync:N0} cold keys p99", server.Percentile(99), "ms"));
            figures.Add(new Figure($"sync of {KeysPerSync:N0} cold keys, database time p50", inDatabase.Percentile(50), "ms"));

            while (next <= asked)
            {
                next = await SyncColdKeysAsync(app, next, cancellationToken);
            }

            _ = await ReadSyncTimesAsync(app, cancellationToken);
            // The issue's goal: bounded by the cache size option, stated beside it (no fixed number).
            figures.Add(new Figure(
                $"RSS after {asked:N0} distinct keys asked (cache {cache:N0} keys)",
                await app.MeasureResidentBytesAsync(cancellationToken) / 1e6,
                "MB"));
        }

        var perInstance = new Dictionary<int, double>();
        foreach (int count in instanceCounts)
        {
            perInstance[count] = await MeasureRoundTripsAsync(database, cache, count, commits, cancellationToken);
            figures.Add(new Figure($"queries per commit per instance, {count} instance{(count == 1 ? "" : "s")}", perInstance[count], "round trips"));
        }

        int most = instanceCounts[^1];
        figures.Add(Figure.AtMost($"queries per commit per instance, {most} ÷ 1 instances", perInstance[most] / perInstance[1] * 100, "%", 125));
        setup.Add(string.Create(CultureInfo.InvariantCulture, $"{commits:N0} commits per instance count, one every 10 ms, through the first instance; round trips are Npgsql commands per process"));
        return new Measurement(setup, figures);
    }

    private static async Task<TimeSpan> GenerateKeysAsync(string connectionString, long keys, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    "INSERT INTO signals_state (key, version, hash, updated_at) SELECT 'bench:item:' || i, i, NULL, now() FROM generate_series(1, $1::bigint) i")
                {
                    Parameters = { new NpgsqlParameter<long> { TypedValue = keys } },
                },
                new NpgsqlBatchCommand("SELECT setval('signals_outbox_id_seq', $1::bigint)") { Parameters = { new NpgsqlParameter<long> { TypedValue = keys } } },
                new NpgsqlBatchCommand("ANALYZE"),
            },
            Timeout = 0,
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Syncs <see cref="KeysPerSync"/> keys from <paramref name="first"/> on, each known at its current version.</summary>
    /// <returns>The next key number.</returns>
    private static async Task<long> SyncColdKeysAsync(ScaleProcess app, long first, CancellationToken cancellationToken)
    {
        var body = new StringBuilder("{\"known\":{");
        for (long key = first; key < first + KeysPerSync; key++)
        {
            body.Append(CultureInfo.InvariantCulture, $"{(key == first ? "" : ",")}\"bench:item:{key}\":{key}");
        }

        body.Append("}}");
        using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await app.Http.PostAsync("/signals/sync", content, cancellationToken);
        response.EnsureSuccessStatusCode();
        return first + KeysPerSync;
    }

    /// <summary>Reads the server's times of the syncs since the last read: each sync's whole handling, and its time in Npgsql commands.</summary>
    private static async Task<(Latencies Total, Latencies Database)> ReadSyncTimesAsync(ScaleProcess app, CancellationToken cancellationToken)
    {
        var total = new Latencies();
        var database = new Latencies();
        foreach (string pair in (await app.Http.GetStringAsync("/bench/sync-times", cancellationToken)).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] times = pair.Split('/');
            total.Add(double.Parse(times[0], CultureInfo.InvariantCulture));
            database.Add(double.Parse(times[1], CultureInfo.InvariantCulture));
        }

        return (total, database);
    }

    /// <summary>Runs <paramref name="commits"/> paced commits through the first of <paramref name="count"/> instances.</summary>
    /// <returns>The mean database round trips per commit per instance, the first instance's own saves left out.</returns>
    private static async Task<double> MeasureRoundTripsAsync(string connectionString, int cache, int count, int commits, CancellationToken cancellationToken)
    {
        var instances = new List<ScaleProcess>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                instances.Add(await ScaleProcess.StartAsync(connectionString, cache, cancellationToken));
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            long[] before = await Task.WhenAll(instances.Select(app => app.GetNumberAsync("/bench/round-trips", cancellationToken)));
            for (int i = 0; i < commits; i++)
            {
                using HttpResponseMessage response = await instances[0].Http.PostAsync("/bench/commit", null, cancellationToken);
                response.EnsureSuccessStatusCode();
                await Task.Delay(10, cancellationToken);
            }

            long target = await ReadAllocatedAsync(connectionString, cancellationToken);
            using var caughtUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            caughtUp.CancelAfter(TimeSpan.FromSeconds(60));
            foreach (ScaleProcess app in instances)
            {
                while (await app.GetNumberAsync("/bench/cursor", caughtUp.Token) < target)
                {
                    await Task.Delay(20, caughtUp.Token);
                }
            }

            long[] after = await Task.WhenAll(instances.Select(app => app.GetNumberAsync("/bench/round-trips", cancellationToken)));
            double total = after.Zip(before, static (a, b) => (double)(a - b)).Sum() - commits;
            Console.WriteLine($"   {count} instance(s): round trips {string.Join(", ", after.Zip(before, static (a, b) => a - b))} for {commits} commits");
            return total / commits / count;
        }
        finally
        {
            foreach (ScaleProcess app in instances)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<long> ReadAllocatedAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT last_value FROM signals_outbox_id_seq", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
