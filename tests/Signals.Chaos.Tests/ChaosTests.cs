using System.Globalization;
using System.Text;
using Signals.Chaos.Tests.Hosting;
using Signals.Chaos.Tests.Verdict;
using Signals.Chaos.Tests.Workload;
using Signals.Testing;

namespace Signals.Chaos.Tests;

/// <summary>
/// DESIGN.md "Guarantees" under concurrency and faults, on two real app instances and real SSE clients. On PostgreSQL: concurrent
/// writers whose commits land out of id order (two of them raw SQL: one on a table captured by triggers, one on a table captured by
/// logical replication, whose keys an instance's replication consumer writes after the commit), rollbacks, the listeners' backends and the
/// replication slot's reader terminated, PostgreSQL crashed and restarted, an instance restarted (the other takes the slot over),
/// subscribers resuming on the other instance with <c>Last-Event-ID</c>. On a SQLite file: writers taking turns
/// with rollbacks, an instance restarted, subscribers resuming. Nothing committed may be lost, nothing rolled back may appear, and no
/// client may see a version go backwards. <c>SIGNALS_CHAOS_PROFILE=full</c> runs 100,000 commits on PostgreSQL, 20,000 on SQLite.
/// </summary>
/// <remarks>The PostgreSQL server is this test's own <see cref="LocalPostgresServer"/> (it gets restarted), never a shared one.</remarks>
public sealed class ChaosTests
{
    [Fact]
    public async Task Every_committed_change_reaches_every_subscriber_and_nothing_else_does()
    {
        ChaosProfile profile = ChaosProfile.FromEnvironment();
        using CancellationTokenSource deadline = Deadline(profile);
        CancellationToken cancel = deadline.Token;

        await using LocalPostgresServer server = await LocalPostgresServer.StartAsync(cancellationToken: cancel);
        var database = new PostgresChaosDatabase(await server.CreateDatabaseAsync("chaos", cancel));
        await RunAsync(profile, server, database, cancel);
    }

    [Fact]
    public async Task On_SQLite_every_committed_change_reaches_every_subscriber_and_nothing_else_does()
    {
        ChaosProfile profile = ChaosProfile.FromEnvironment(sqlite: true);
        using CancellationTokenSource deadline = Deadline(profile);
        using var database = new SqliteChaosDatabase();
        await RunAsync(profile, server: null, database, deadline.Token);
    }

    private static CancellationTokenSource Deadline(ChaosProfile profile)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(profile.WriteTimeout + profile.QuiescenceTimeout + TimeSpan.FromMinutes(3));
        return deadline;
    }

    private static async Task RunAsync(ChaosProfile profile, LocalPostgresServer? server, ChaosDatabase database, CancellationToken cancel)
    {
        int seed = ChaosProfile.SeedFromEnvironment();
        TestContext.Current.SendDiagnosticMessage($"Chaos run on {database.Kind}, profile '{profile.Name}', seed {seed} ({ChaosProfile.SeedVariable} replays it): starting");
        await database.CreateSchemaAsync(cancel);
        await using InstancePair instances = await InstancePair.StartAsync(database, cancel);

        var run = new ChaosRun(profile, seed, server, database, instances);
        ChaosEvidence evidence = await run.RunAsync(cancel);
        ChaosVerdict verdict = ChaosVerdict.Judge(evidence);

        string report = Report(profile, seed, database, run, verdict, evidence, instances);
        TestContext.Current.TestOutputHelper?.WriteLine(report);

        var failures = new List<string>();
        if (!verdict.Holds)
        {
            failures.Add("a guarantee was violated: lost, stale, phantom, regressions and truth violations must all be 0");
        }

        if (run.WriteTimedOut || verdict.Committed < profile.Commits)
        {
            failures.Add($"only {verdict.Committed} of {profile.Commits} commits within {profile.WriteTimeout}");
        }

        if (run.Faults.Count != run.ScheduledFaults || run.Faults.Any(static f => !f.Effective))
        {
            failures.Add($"{run.Faults.Count(static f => f.Effective)} of {run.ScheduledFaults} faults were applied and recovered from");
        }

        if (instances.Caches.Any(static c => c.Evictions == 0) || run.ColdSyncs == 0 || run.ColdPhantoms > 0)
        {
            failures.Add("an instance's hub never evicted, no sync of cold keys was answered, or a key nothing wrote came back changed");
        }

        if (verdict.RolledBack == 0 || run.Subscribers.Any(static s => s.Resumes == 0))
        {
            failures.Add("the run had no rollbacks, or a subscriber never resumed with Last-Event-ID");
        }

        if (run.UnansweredSyncs.Count > 0)
        {
            failures.Add($"{run.UnansweredSyncs.Count} syncs of cold keys got no answer within 30 s: {string.Join(", ", run.UnansweredSyncs)}");
        }

        if (database.CapturesByReplication && verdict.Replication.Commits < profile.CommitsPerWriter)
        {
            failures.Add($"only {verdict.Replication.Commits} commits of the replicated writer, of {profile.CommitsPerWriter}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures) + Environment.NewLine + report);
    }

    private static string Report(ChaosProfile profile, int seed, ChaosDatabase database, ChaosRun run, ChaosVerdict verdict, ChaosEvidence evidence, InstancePair instances)
    {
        var text = new StringBuilder();
        IFormatProvider invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"Chaos run on {database.Kind}, profile '{profile.Name}', seed {seed} ({ChaosProfile.SeedVariable} replays it): {profile.Writers + 1} writers ({(database.CapturesByReplication ? "2 by raw SQL: captured by triggers, by logical replication" : "1 by raw SQL, captured by triggers")}), {profile.Commits} commits wanted, 2 instances, {profile.Subscribers} SSE subscribers on {evidence.Keys.Count} keys each");
        text.AppendLine(invariant, $"write phase: {run.WriteTime.TotalSeconds:F1} s ({verdict.Committed / Math.Max(run.WriteTime.TotalSeconds, 0.001):F0} commits/s){(run.WriteTimedOut ? ", STOPPED BY ITS TIME BOUND" : string.Empty)}");
        text.AppendLine(run.QuiescenceTime is { } quiet
            ? string.Create(invariant, $"quiescence: every subscriber caught up {quiet.TotalMilliseconds:F0} ms after the last write")
            : string.Create(invariant, $"quiescence: the subscribers had not all caught up {profile.QuiescenceTimeout.TotalSeconds} s after the last write"));
        text.AppendLine(invariant, $"hub cache: {ChaosInstance.MaxCachedKeys} keys; evicted A {instances.Caches[0].Evictions}, B {instances.Caches[1].Evictions}; {run.ColdSyncs} syncs of cold keys, {run.ColdPhantoms} phantom answers, {run.UnansweredSyncs.Count} unanswered");
        text.AppendLine("faults:");
        foreach (FaultResult fault in run.Faults)
        {
            text.AppendLine(invariant, $"  - {fault}");
        }

        text.AppendLine("subscribers:");
        foreach (ChaosSubscriber s in run.Subscribers)
        {
            text.AppendLine(invariant, $"  - {s.Index}: {s.Events} events, {s.Connects} connects ({s.Resumes} with Last-Event-ID), {s.Switches} switches, {s.Drops} drops, {s.Resets} resets");
        }

        text.Append(verdict.Describe());
        for (int side = 0; side < 2; side++)
        {
            text.AppendLine(invariant, $"instance {InstancePair.NameOf(side)} logged: {string.Join("; ", instances.Logs[side].Describe())}");
        }

        return text.ToString();
    }
}
