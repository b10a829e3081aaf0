using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Signals.Chaos.Tests.Hosting;
using Signals.Chaos.Tests.Model;
using Signals.Chaos.Tests.Verdict;
using Signals.Testing;

namespace Signals.Chaos.Tests.Workload;

/// <summary>
/// One chaos run: subscribers on both instances, the writers, and the faults, each applied once the writers reach a share of
/// their commits (progress, not the clock, schedules them): subscribers switching instance with <c>Last-Event-ID</c>, instance A
/// restarted, and on PostgreSQL the listeners' backends and the replication slot's reader terminated (twice) and PostgreSQL crashed and
/// restarted. On PostgreSQL the replicated writer then commits a marker (<see cref="ChaosKeyspace.Marker"/>). Then the run waits (bounded)
/// until the marker's key is in the outbox (the replication consumer has written every commit's keys) and every subscriber has caught up
/// with the last committed version of every key, and gathers the evidence.
/// </summary>
/// <param name="profile">The run's size.</param>
/// <param name="seed">The writers' random seed.</param>
/// <param name="server">The PostgreSQL server, restarted once; <see langword="null"/> on SQLite.</param>
/// <param name="database">The shared database.</param>
/// <param name="instances">The two app instances.</param>
internal sealed class ChaosRun(ChaosProfile profile, int seed, LocalPostgresServer? server, ChaosDatabase database, InstancePair instances)
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PostgresDowntime = TimeSpan.FromMilliseconds(500);

    private readonly ChaosKeyspace _keyspace = new(profile, database.CapturesByReplication);
    private readonly ChaosProgress _progress = new();
    private readonly List<ChaosSubscriber> _subscribers = [];

    /// <summary>Gets the faults applied, in order.</summary>
    public List<FaultResult> Faults { get; } = [];

    /// <summary>Gets how many faults the schedule holds.</summary>
    public int ScheduledFaults { get; private set; }

    /// <summary>Gets a value indicating whether the write phase hit <see cref="ChaosProfile.WriteTimeout"/>.</summary>
    public bool WriteTimedOut { get; private set; }

    /// <summary>Gets how long the writers ran.</summary>
    public TimeSpan WriteTime { get; private set; }

    /// <summary>Gets how long it took every subscriber to catch up after the last write, or <see langword="null"/> when they did not within the bound.</summary>
    public TimeSpan? QuiescenceTime { get; private set; }

    /// <summary>Gets how many syncs of cold keys (beside the real ones) were answered while the writers ran.</summary>
    public int ColdSyncs { get; private set; }

    /// <summary>Gets how many times a sync answered a version for a key nothing ever wrote (must be 0).</summary>
    public int ColdPhantoms { get; private set; }

    /// <summary>Gets the cold-key syncs that got no answer within the client's timeout: which instance, and how far the run was.</summary>
    public List<string> UnansweredSyncs { get; } = [];

    /// <summary>Gets the subscribers.</summary>
    public IReadOnlyList<ChaosSubscriber> Subscribers => _subscribers;

    /// <summary>Runs the scenario and gathers what it observed.</summary>
    /// <param name="cancellationToken">Aborts the run (the test's deadline).</param>
    /// <returns>The evidence for <see cref="ChaosVerdict.Judge"/>.</returns>
    public async Task<ChaosEvidence> RunAsync(CancellationToken cancellationToken)
    {
        _subscribers.AddRange(Enumerable.Range(0, profile.Subscribers).Select(i => new ChaosSubscriber(i, _keyspace.All, instances, new Random(seed - i - 1))));
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task reading = Task.WhenAll(_subscribers.Select(s => s.RunAsync(stopReading.Token)));
        List<ChaosWriter> writers;
        try
        {
            _ = await WaitUntilAsync(() => Task.FromResult(_subscribers.All(static s => s.Connects > 0)), cancellationToken)
                ?? throw new TimeoutException($"The subscribers did not all connect within {RecoveryTimeout}.");

            writers = [.. Enumerable.Range(0, _keyspace.WriterCount).Select(i => new ChaosWriter(i, profile, _keyspace, instances, database, _progress, new Random(seed + i)))];
            string? marker = null;
            using (var stopChurning = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                Task churning = ChurnAsync(new Random(seed ^ 0x5CA1E), stopChurning.Token);
                try
                {
                    await WriteWithFaultsAsync(writers, cancellationToken);
                    if (database is PostgresChaosDatabase)
                    {
                        // SQLite's writers take turns: a transaction holding its write lock until a later one commits cannot happen there.
                        await WriteLateTailAsync(writers, cancellationToken);
                    }

                    marker = await WriteMarkerAsync(writers, cancellationToken);
                }
                finally
                {
                    await stopChurning.CancelAsync();
                    await churning;
                }
            }

            // Read again each time: dispatchers may still announce keys again after the writers stopped (a late commit), and until the
            // marker's key is there the replication consumer has not written every commit's keys. It may be catching up after a fault
            // (back-off up to MaxRetryDelay, or a standby's next try after ListenerTimeout: 5 s each by default, well inside the bound,
            // so the instances keep the defaults an app has).
            QuiescenceTime = await WaitUntilAsync(
                async () =>
                {
                    Dictionary<string, long> lastCommitted = await database.ReadLastCommittedAsync(cancellationToken);
                    return (marker is null || lastCommitted.ContainsKey(marker)) && _subscribers.All(s => lastCommitted.All(p => s.LatestOf(p.Key) >= p.Value));
                },
                cancellationToken,
                profile.QuiescenceTimeout);
        }
        finally
        {
            await stopReading.CancelAsync();
            await reading;
        }

        return new ChaosEvidence(
            _keyspace.All,
            _keyspace.Ghosts,
            _keyspace.Replicated,
            [.. writers.SelectMany(static w => w.Records)],
            await database.ReadNoteIdsAsync(cancellationToken),
            await database.ReadOutboxAsync(cancellationToken),
            await database.ReadReannouncementIdsAsync(cancellationToken),
            _subscribers,
            new Dictionary<string, IReadOnlyDictionary<string, long>>
            {
                [InstancePair.NameOf(0)] = await SyncAsync(0, cancellationToken),
                [InstancePair.NameOf(1)] = await SyncAsync(1, cancellationToken),
            });
    }

    /// <summary>
    /// Ends the writes with a late tail: several writers save in turn (so their outbox ids rise), then commit in the reverse order, each
    /// once every subscriber has the hot key <c>all</c> at the version committed before it. So the last commit of <c>all</c> has a lower
    /// id than a version subscribers already have, and nothing commits after it: unless that late commit is announced again, they stay
    /// stale (the verdict's <see cref="ChaosVerdict.Stale"/>).
    /// </summary>
    private async Task WriteLateTailAsync(List<ChaosWriter> writers, CancellationToken cancellationToken)
    {
        const int TailLength = 4;
        var staged = new TaskCompletionSource[TailLength];
        var release = new TaskCompletionSource[TailLength];
        var writes = new Task[TailLength];
        for (int i = 0; i < TailLength; i++)
        {
            (staged[i], release[i]) = (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));
            TaskCompletionSource mine = staged[i];
            Task released = release[i].Task;
            writes[i] = writers[i % writers.Count].WriteHeldAsync(
                async ct =>
                {
                    mine.SetResult();
                    await released.WaitAsync(ct);
                },
                cancellationToken);

            // A write that failed before its save never stages: the tail goes on without it.
            await Task.WhenAny(staged[i].Task, writes[i]);
        }

        string all = ChaosNote.Keys.All.Value;
        for (int i = TailLength - 1; i >= 0; i--)
        {
            release[i].TrySetResult();
            await writes[i];
            _ = await WaitUntilAsync(
                async () =>
                {
                    long last = (await database.ReadLastCommittedAsync(cancellationToken)).GetValueOrDefault(all);
                    return _subscribers.All(s => s.LatestOf(all) >= last);
                },
                cancellationToken);
        }
    }

    /// <summary>With logical replication, has the replicated writer commit the marker (<see cref="ChaosKeyspace.Marker"/>) after every other write.</summary>
    /// <returns>The marker's key once committed; <see langword="null"/> without replication, or when it did not commit in 10 tries.</returns>
    private async Task<string?> WriteMarkerAsync(List<ChaosWriter> writers, CancellationToken cancellationToken)
    {
        if (_keyspace.ReplicationWriter is not { } writer)
        {
            return null;
        }

        for (int attempt = 0; attempt < 10; attempt++)
        {
            if (await writers[writer].WriteOneAsync(ChaosKeyspace.MarkerItemId, cancellationToken) == WriteOutcome.Committed)
            {
                return _keyspace.Marker;
            }

            await Task.Delay(100, cancellationToken);
        }

        return null;
    }

    private async Task WriteWithFaultsAsync(List<ChaosWriter> writers, CancellationToken cancellationToken)
    {
        (double At, string Name, Func<CancellationToken, Task<(bool, string)>> Apply)[] schedule = database is not PostgresChaosDatabase
            ? [
                (0.15, "subscribers switch instance", SwitchSubscribersAsync),
                (0.35, "subscribers switch instance", SwitchSubscribersAsync),
                (0.50, "instance A restarted", RestartInstanceAsync),
                (0.65, "subscribers switch instance", SwitchSubscribersAsync),
                (0.85, "subscribers switch instance", SwitchSubscribersAsync),
            ]
            : [
            (0.10, "subscribers switch instance", SwitchSubscribersAsync),
            (0.20, "listener and replication reader backends terminated", KillListenersAsync),
            (0.30, "subscribers switch instance", SwitchSubscribersAsync),
            (0.40, "PostgreSQL crashed (pg_ctl -m immediate) and restarted", RestartPostgresAsync),
            (0.50, "subscribers switch instance", SwitchSubscribersAsync),
            (0.60, "instance A restarted", RestartInstanceAsync),
            (0.70, "subscribers switch instance", SwitchSubscribersAsync),
            (0.80, "listener and replication reader backends terminated", KillListenersAsync),
            (0.90, "subscribers switch instance", SwitchSubscribersAsync),
            ];
        ScheduledFaults = schedule.Length;

        using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        writing.CancelAfter(profile.WriteTimeout);
        var clock = Stopwatch.StartNew();
        Task writersDone = Task.WhenAll(writers.Select(w => w.RunAsync(writing.Token)));
        try
        {
            foreach ((double at, string name, Func<CancellationToken, Task<(bool, string)>> apply) in schedule)
            {
                if (!await _progress.WaitForAsync((long)(at * profile.Commits), writersDone, writing.Token))
                {
                    break;
                }

                long commits = _progress.Commits;
                (bool effective, string detail) = await apply(writing.Token);
                Faults.Add(new FaultResult(name, commits, effective, detail));
            }
        }
        catch
        {
            await writing.CancelAsync();
            await writersDone;
            throw;
        }
        finally
        {
            await writersDone;
            WriteTime = clock.Elapsed;
            WriteTimedOut = writing.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        }
    }

    private Task<(bool, string)> SwitchSubscribersAsync(CancellationToken cancellationToken)
    {
        foreach (ChaosSubscriber subscriber in _subscribers)
        {
            subscriber.Switch();
        }

        return Task.FromResult((true, $"{_subscribers.Count} subscribers reconnect to the other instance"));
    }

    /// <summary>Once all are connected, terminates the listeners' backends and the slot reader's walsender (which then replays what it was not told is flushed).</summary>
    private async Task<(bool, string)> KillListenersAsync(CancellationToken cancellationToken)
    {
        var postgres = (PostgresChaosDatabase)database;
        _ = await WaitForListenersAsync(cancellationToken);
        int killed = await postgres.KillListenersAsync(cancellationToken);
        int readers = await postgres.KillReplicationReaderAsync(cancellationToken);
        TimeSpan? back = await WaitForListenersAsync(cancellationToken);
        return (killed > 0 && readers > 0 && back is not null, $"{killed} listener backends and {readers} replication reader terminated; {DescribeListeners(back)}");
    }

    private async Task<(bool, string)> RestartPostgresAsync(CancellationToken cancellationToken)
    {
        var down = Stopwatch.StartNew();
        await server!.StopAsync(PostgresStopMode.Immediate, cancellationToken);
        await Task.Delay(PostgresDowntime, cancellationToken);
        await server.StartAgainAsync(cancellationToken);
        TimeSpan downtime = down.Elapsed;
        TimeSpan? back = await WaitForListenersAsync(cancellationToken);
        return (back is not null, string.Create(CultureInfo.InvariantCulture, $"down {downtime.TotalMilliseconds:F0} ms; {DescribeListeners(back)}"));
    }

    private async Task<(bool, string)> RestartInstanceAsync(CancellationToken cancellationToken)
    {
        var restart = Stopwatch.StartNew();
        await instances.RestartAsync(0, cancellationToken);
        TimeSpan took = restart.Elapsed;
        TimeSpan? back = await WaitForListenersAsync(cancellationToken);
        return (back is not null, string.Create(CultureInfo.InvariantCulture, $"serving again after {took.TotalMilliseconds:F0} ms; {DescribeListeners(back)}"));
    }

    /// <summary>Waits until both instances' listeners, and a replication consumer, are connected again (at once on a database without listeners).</summary>
    private Task<TimeSpan?> WaitForListenersAsync(CancellationToken cancellationToken)
        => WaitUntilAsync(() => database.InstancesConnectedAsync(cancellationToken), cancellationToken);

    private string DescribeListeners(TimeSpan? back)
        => database is not PostgresChaosDatabase ? "no listeners (polling)"
            : back is { } time ? string.Create(CultureInfo.InvariantCulture, $"both listeners and a replication reader back after {time.TotalMilliseconds:F0} ms")
            : $"the listeners and a replication reader were not all back within {RecoveryTimeout.TotalSeconds} s";

    /// <summary>Polls <paramref name="condition"/> until it holds (returns the time it took) or the bound passes (returns <see langword="null"/>).</summary>
    private static async Task<TimeSpan?> WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout ?? RecoveryTimeout);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return clock.Elapsed;
                }

                await Task.Delay(20, bound.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (DbException)
            {
                // The server is still coming back: ask again.
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    /// <summary>
    /// While the writers run, syncs every key of the run with keys nothing writes, fresh ones each time, on either instance: more keys than
    /// <see cref="ChaosInstance.MaxCachedKeys"/>, so each instance evicts (the run's keys that no subscriber there watches included) and
    /// reads them from the database again. A key nothing writes must never come back changed. A sync refused while a fault is on is skipped.
    /// </summary>
    private async Task ChurnAsync(Random random, CancellationToken cancellationToken)
    {
        const int ColdBase = 2_000_000;
        const int ColdPerSync = 24;
        int next = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (instances.Pick(random.Next(2)) is { Instance: var instance })
                {
                    Dictionary<string, long> known = _keyspace.All.ToDictionary(static k => k, static _ => 0L, StringComparer.Ordinal);
                    var cold = new HashSet<string>(StringComparer.Ordinal);
                    for (int i = 0; i < ColdPerSync; i++)
                    {
                        string key = ChaosNote.Keys.Item(ColdBase + next++).Value;
                        cold.Add(key);
                        known[key] = 0;
                    }

                    try
                    {
                        using HttpResponseMessage response = await instance.Http.PostAsJsonAsync("/signals/sync", new { known }, JsonSerializerOptions.Web, cancellationToken);
                        if (response.IsSuccessStatusCode)
                        {
                            JsonObject changed = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["changed"]!.AsObject();
                            ColdSyncs++;
                            ColdPhantoms += changed.Count(p => cold.Contains(p.Key));
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The instance is restarting.
                    }
                    catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // No answer within the HttpClient's timeout: a failure, reported with the run's figures and faults.
                        UnansweredSyncs.Add($"{instance.Name} after {_progress.Commits} commits");
                    }
                }

                await Task.Delay(20, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The writers are done.
        }
    }

    /// <summary>Asks an instance's sync endpoint for every key's version, as a client that knows nothing.</summary>
    private async Task<IReadOnlyDictionary<string, long>> SyncAsync(int side, CancellationToken cancellationToken)
    {
        ChaosInstance instance = instances.Get(side) ?? throw new InvalidOperationException($"Instance {InstancePair.NameOf(side)} is not running.");
        var body = new { known = _keyspace.All.ToDictionary(static k => k, static _ => 0L, StringComparer.Ordinal) };
        using HttpResponseMessage response = await instance.Http.PostAsJsonAsync("/signals/sync", body, JsonSerializerOptions.Web, cancellationToken);
        response.EnsureSuccessStatusCode();
        JsonObject changed = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["changed"]!.AsObject();
        return changed.ToDictionary(static p => p.Key, static p => (long)p.Value!["version"]!, StringComparer.Ordinal);
    }
}
