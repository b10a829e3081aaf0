using System.Globalization;
using System.Text;
using Signals.Chaos.Tests.Workload;

namespace Signals.Chaos.Tests.Verdict;

/// <summary>
/// Holds a chaos run against DESIGN.md's guarantees. The committed outbox rows are the truth; each writer's record says which
/// transactions committed (commits whose outcome was unknown are resolved by whether their notes exist). Checked:
/// <list type="bullet">
/// <item><b>truth</b>: each transaction's notes are all there or none; a returned commit's notes are there; a transaction that never
/// sent its commit left nothing; each key has exactly one outbox row per committed transaction that touched it, besides the rows
/// dispatchers wrote to announce a key again (<c>reannounced_id</c>). Keys captured by logical replication
/// (<see cref="ChaosEvidence.Replicated"/>) are held to what that mechanism writes instead: <em>at least one</em> outbox row (besides
/// reannouncements) for a key that some committed transaction touched, and <em>none</em> for a key that only transactions which rolled
/// back or never committed touched (the replicated writer's ghost). One row per commit cannot hold for them, in either direction: the
/// replication consumer writes the keys of every commit it has read since its last write in one statement, each key once (<c>SELECT
/// DISTINCT</c>), so commits touching a key between two of its writes give it one row; and after a crash, a lost connection or a takeover
/// the slot sends again the commits it was not told are flushed, so a key may get a second row for the same change (a version, not a
/// change). What clients rely on is checked below without exception for these keys: lost (the highest outbox id reached every subscriber
/// and sync) and stale (every subscriber's version of the key rose after the last commit touching it was sent — a replicated commit whose
/// keys the consumer never wrote leaves the subscribers stale or lost), phantom and regressions.</item>
/// <item><b>lost</b>: every subscriber's highest version of every key is at least the key's last committed version (its highest
/// outbox id); likewise every instance's sync answer.</item>
/// <item><b>phantom</b>: every (version, key) a subscriber or a sync answer reported is a committed outbox row of that key — so
/// nothing from a rolled-back transaction, in particular no ghost key — and no event names a key it did not ask for.</item>
/// <item><b>regressions</b>: no subscriber saw a key's version go below one it had seen, across its reconnects.</item>
/// <item><b>stale</b>: every subscriber's highest version of every key last rose after the last commit touching that key was sent —
/// a version published while that transaction was still open says nothing about its change, so a client that refetched then missed
/// it (this is what a late commit without a reannouncement looks like).</item>
/// </list>
/// </summary>
internal sealed class ChaosVerdict
{
    private const int MaxSamples = 10;

    private readonly List<string> _samples = [];

    private ChaosVerdict()
    {
    }

    /// <summary>Gets how many transactions the writers attempted.</summary>
    public int Attempted { get; private init; }

    /// <summary>Gets how many transactions committed: returned commits plus unknown outcomes whose notes exist.</summary>
    public int Committed { get; private init; }

    /// <summary>Gets how many transactions had an unknown commit outcome, and how many of those turned out committed.</summary>
    public (int Total, int Committed) Unknown { get; private init; }

    /// <summary>Gets how many transactions rolled back on purpose.</summary>
    public int RolledBack { get; private init; }

    /// <summary>Gets how many transactions failed before their commit was sent.</summary>
    public int NotCommitted { get; private init; }

    /// <summary>Gets how many committed changes there are: outbox rows.</summary>
    public int CommittedChanges { get; private init; }

    /// <summary>Gets how many keys changed at least once.</summary>
    public int ChangedKeys { get; private init; }

    /// <summary>Gets how many <c>signal</c> events the subscribers received in total.</summary>
    public long Delivered { get; private init; }

    /// <summary>
    /// Gets, for the keys captured by logical replication: the committed transactions that touched them, how many (transaction, key) pairs
    /// that makes, their outbox rows (besides reannouncements), and how many keys got fewer rows than commits (coalesced) or more (replayed).
    /// </summary>
    public (int Commits, int Touches, int Rows, int CoalescedKeys, int ReplayedKeys) Replication { get; private init; }

    /// <summary>Gets how many violations of the database's own truth were found (atomicity, durability, outbox rows per commit).</summary>
    public int TruthViolations { get; private init; }

    /// <summary>Gets how many (subscriber, key) pairs ended below the key's last committed version.</summary>
    public int Lost { get; private init; }

    /// <summary>Gets how many of the <see cref="Lost"/> pairs the instance the subscriber ended on does have (so the stream, not the dispatcher, lost them).</summary>
    public int LostByStream { get; private init; }

    /// <summary>Gets how many (instance, key) pairs the sync endpoint reported below the key's last committed version.</summary>
    public int LostBySync { get; private init; }

    /// <summary>Gets how many (subscriber, key) pairs last heard of the key before its last commit was sent.</summary>
    public int Stale { get; private init; }

    /// <summary>Gets how many outbox rows dispatchers wrote to announce a key again after a late commit.</summary>
    public int Reannouncements { get; private init; }

    /// <summary>Gets how many reported (version, key) pairs are not a committed change, plus events for keys nobody asked for.</summary>
    public int Phantom { get; private init; }

    /// <summary>Gets how many events went below a version the subscriber had already seen for the key.</summary>
    public int Regressions { get; private init; }

    /// <summary>Gets how many events repeated the subscriber's latest version of the key (allowed).</summary>
    public int Duplicates { get; private init; }

    /// <summary>Gets a value indicating whether every guarantee held.</summary>
    public bool Holds => TruthViolations == 0 && Lost == 0 && LostBySync == 0 && Phantom == 0 && Regressions == 0 && Stale == 0;

    /// <summary>Gets the first violations found, described.</summary>
    public IReadOnlyList<string> Samples => _samples;

    /// <summary>Judges a run.</summary>
    /// <param name="evidence">What the run observed.</param>
    /// <returns>The verdict.</returns>
    public static ChaosVerdict Judge(ChaosEvidence evidence)
    {
        var samples = new List<string>();
        void Sample(string text)
        {
            if (samples.Count < MaxSamples)
            {
                samples.Add(text);
            }
        }

        // Truth: resolve every transaction from its notes and hold the outbox against the committed ones.
        int truthViolations = 0;
        int committed = 0;
        int unknownCommitted = 0;
        int replicatedCommits = 0;
        var expectedRows = new Dictionary<string, int>(StringComparer.Ordinal);
        var lastCommitSent = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (WriteRecord record in evidence.Records)
        {
            int present = record.NoteIds.Count(evidence.NoteIds.Contains);
            bool inTable = present == record.NoteIds.Length;
            if (present != 0 && !inTable)
            {
                truthViolations++;
                Sample($"truth: a transaction of writer {record.Writer} is half there ({present} of {record.NoteIds.Length} notes)");
            }
            else if (record.Outcome == WriteOutcome.Committed && !inTable)
            {
                truthViolations++;
                Sample($"truth: a commit of writer {record.Writer} returned, but its notes are gone");
            }
            else if ((record.Outcome is WriteOutcome.RolledBack or WriteOutcome.NotCommitted) && present != 0)
            {
                truthViolations++;
                Sample($"truth: a transaction of writer {record.Writer} that never sent its commit ({record.Outcome}) left its notes");
            }

            if (inTable && (record.Outcome is WriteOutcome.Committed or WriteOutcome.Unknown))
            {
                committed++;
                unknownCommitted += record.Outcome == WriteOutcome.Unknown ? 1 : 0;
                replicatedCommits += record.Keys.Any(evidence.Replicated.Contains) ? 1 : 0;
                foreach (string key in record.Keys)
                {
                    expectedRows[key] = expectedRows.GetValueOrDefault(key) + 1;
                    lastCommitSent[key] = Math.Max(lastCommitSent.GetValueOrDefault(key), record.CommitSent);
                }
            }
        }

        Dictionary<string, long> lastCommitted = LastCommitted(evidence.Outbox);
        var actualRows = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((long id, string key) in evidence.Outbox)
        {
            if (!evidence.Reannouncements.Contains(id))
            {
                actualRows[key] = actualRows.GetValueOrDefault(key) + 1;
            }
        }

        // Replicated keys: at least one row when a commit touched the key, none otherwise (see the class's remarks); the others: one per commit.
        (int touches, int rows, int coalesced, int replayed) = (0, 0, 0, 0);
        foreach (string key in expectedRows.Keys.Union(actualRows.Keys, StringComparer.Ordinal))
        {
            int expected = expectedRows.GetValueOrDefault(key);
            int actual = actualRows.GetValueOrDefault(key);
            if (evidence.Replicated.Contains(key))
            {
                (touches, rows) = (touches + expected, rows + actual);
                coalesced += actual < expected ? 1 : 0;
                replayed += actual > expected ? 1 : 0;
                if ((expected == 0) != (actual == 0))
                {
                    truthViolations++;
                    Sample($"truth: '{key}' (captured by logical replication) has {actual} outbox rows, but {expected} committed transactions touched it (expected at least one row exactly when one did)");
                }
            }
            else if (expected != actual)
            {
                truthViolations++;
                Sample($"truth: '{key}' has {actual} outbox rows, but {expected} committed transactions touched it");
            }
        }

        // Lost, phantom and regressions, per subscriber.
        int lost = 0;
        int lostByStream = 0;
        int stale = 0;
        int phantom = 0;
        foreach (ChaosSubscriber subscriber in evidence.Subscribers)
        {
            foreach (string key in evidence.Keys)
            {
                long seen = subscriber.LatestOf(key);
                long expected = lastCommitted.GetValueOrDefault(key);
                if (seen < expected)
                {
                    lost++;
                    bool instanceHasIt = evidence.Sync.TryGetValue(subscriber.Instance, out IReadOnlyDictionary<string, long>? hub) && hub.GetValueOrDefault(key) >= expected;
                    lostByStream += instanceHasIt ? 1 : 0;
                    Sample(string.Create(
                        CultureInfo.InvariantCulture,
                        $"lost: subscriber {subscriber.Index} (on {subscriber.Instance}) has '{key}' at {seen}, last committed {expected}; sync: {DescribeSync(evidence, key)}"));
                }
                else if (subscriber.AdvancedAt(key) < lastCommitSent.GetValueOrDefault(key))
                {
                    stale++;
                    Sample(string.Create(
                        CultureInfo.InvariantCulture,
                        $"stale: subscriber {subscriber.Index} (on {subscriber.Instance}) got '{key}' at {seen} before the key's last commit was sent, and nothing after it"));
                }
            }

            foreach ((long version, string key) in subscriber.Seen())
            {
                if (!evidence.Outbox.TryGetValue(version, out string? committedKey) || committedKey != key)
                {
                    phantom++;
                    Sample(string.Create(
                        CultureInfo.InvariantCulture,
                        $"phantom: subscriber {subscriber.Index} saw '{key}' at {version}, which is not a committed change of it{(evidence.Ghosts.Contains(key) ? " (only rolled-back transactions touch this key)" : string.Empty)}"));
                }
            }

            phantom += subscriber.Foreign;
            foreach (string anomaly in subscriber.Anomalies())
            {
                Sample(anomaly);
            }
        }

        // The sync endpoint of each instance.
        int lostBySync = 0;
        foreach ((string instance, IReadOnlyDictionary<string, long> versions) in evidence.Sync)
        {
            foreach (string key in evidence.Keys)
            {
                long reported = versions.GetValueOrDefault(key);
                long expected = lastCommitted.GetValueOrDefault(key);
                if (reported < expected)
                {
                    lostBySync++;
                    Sample(string.Create(CultureInfo.InvariantCulture, $"lost: sync on {instance} reports '{key}' at {reported}, last committed {expected}"));
                }
                else if (reported != 0 && (!evidence.Outbox.TryGetValue(reported, out string? committedKey) || committedKey != key))
                {
                    phantom++;
                    Sample(string.Create(CultureInfo.InvariantCulture, $"phantom: sync on {instance} reports '{key}' at {reported}, which is not a committed change of it"));
                }
            }
        }

        var verdict = new ChaosVerdict
        {
            Attempted = evidence.Records.Count,
            Committed = committed,
            Unknown = (evidence.Records.Count(static r => r.Outcome == WriteOutcome.Unknown), unknownCommitted),
            RolledBack = evidence.Records.Count(static r => r.Outcome == WriteOutcome.RolledBack),
            NotCommitted = evidence.Records.Count(static r => r.Outcome == WriteOutcome.NotCommitted),
            CommittedChanges = evidence.Outbox.Count,
            ChangedKeys = lastCommitted.Count,
            Delivered = evidence.Subscribers.Sum(static s => (long)s.Events),
            Replication = (replicatedCommits, touches, rows, coalesced, replayed),
            TruthViolations = truthViolations,
            Lost = lost,
            Stale = stale,
            Reannouncements = evidence.Reannouncements.Count,
            LostByStream = lostByStream,
            LostBySync = lostBySync,
            Phantom = phantom,
            Regressions = evidence.Subscribers.Sum(static s => s.Regressions),
            Duplicates = evidence.Subscribers.Sum(static s => s.Duplicates),
        };
        verdict._samples.AddRange(samples);
        return verdict;
    }

    /// <summary>Gets each key's last committed version: the highest id among its outbox rows.</summary>
    /// <param name="outbox">The committed outbox rows: key by id.</param>
    /// <returns>The version per key that changed.</returns>
    public static Dictionary<string, long> LastCommitted(IReadOnlyDictionary<long, string> outbox)
    {
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((long id, string key) in outbox)
        {
            last[key] = Math.Max(last.GetValueOrDefault(key), id);
        }

        return last;
    }

    /// <summary>Describes the verdict's figures, one per line.</summary>
    /// <returns>The text.</returns>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"transactions: {Attempted} attempted, {Committed} committed ({Unknown.Committed} of {Unknown.Total} with an unknown commit outcome), {RolledBack} rolled back, {NotCommitted} failed before commit");
        text.AppendLine(CultureInfo.InvariantCulture, $"committed changes (outbox rows): {CommittedChanges} over {ChangedKeys} keys, of which {Reannouncements} announced a key again after a late commit");
        if (Replication.Commits > 0)
        {
            (int commits, int touches, int rows, int coalesced, int replayed) = Replication;
            text.AppendLine(CultureInfo.InvariantCulture, $"logical replication: {commits} committed transactions touched its keys {touches} times; {rows} outbox rows (at least one per key touched, none for the others); {coalesced} keys with fewer rows than commits (coalesced), {replayed} with more (replayed, beyond what coalescing saved)");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"delivered (SSE signal events): {Delivered}, of which {Duplicates} repeated a version after a resume");
        text.AppendLine(CultureInfo.InvariantCulture, $"lost: {Lost} (subscriber, key) pairs, {LostByStream} of them while the subscriber's instance had the version; by sync: {LostBySync} (instance, key) pairs");
        text.AppendLine(CultureInfo.InvariantCulture, $"stale (last heard of a key before its last commit was sent): {Stale} (subscriber, key) pairs");
        text.AppendLine(CultureInfo.InvariantCulture, $"phantom: {Phantom}");
        text.AppendLine(CultureInfo.InvariantCulture, $"regressions: {Regressions}");
        text.AppendLine(CultureInfo.InvariantCulture, $"truth violations: {TruthViolations}");
        foreach (string sample in _samples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - {sample}");
        }

        return text.ToString();
    }

    private static string DescribeSync(ChaosEvidence evidence, string key)
        => string.Join(", ", evidence.Sync.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.GetValueOrDefault(key)}")));
}
