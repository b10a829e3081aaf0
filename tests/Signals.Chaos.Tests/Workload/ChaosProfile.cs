using System.Globalization;

namespace Signals.Chaos.Tests.Workload;

/// <summary>
/// How big a chaos run is. <c>ci</c> (the default) is sized for <c>dotnet test</c> on two shared cores; <c>full</c> is the command-line
/// run of at least 100,000 commits. Chosen by <see cref="ProfileVariable"/>; <see cref="SeedVariable"/> replays a run's random choices.
/// </summary>
/// <param name="Name">The profile's name.</param>
/// <param name="Writers">
/// Concurrent writers (each its own transactions, one at a time), besides the raw-SQL writer on the table captured by triggers; on
/// PostgreSQL the last of them writes raw SQL to the table captured by logical replication (see <see cref="ChaosKeyspace"/>).
/// </param>
/// <param name="Commits">Committed transactions to reach, over all writers.</param>
/// <param name="ItemsPerWriter">Item keys each writer owns (<c>chaos:item:{id}</c>); every transaction also bumps <c>chaos:all</c>.</param>
/// <param name="Subscribers">SSE subscribers, spread over both instances, each watching every key.</param>
/// <param name="WriteTimeout">Bound of the write phase; reaching it fails the run.</param>
/// <param name="QuiescenceTimeout">Bound of the wait for every subscriber to catch up after the last write.</param>
internal sealed record ChaosProfile(
    string Name, int Writers, int Commits, int ItemsPerWriter, int Subscribers, TimeSpan WriteTimeout, TimeSpan QuiescenceTimeout)
{
    /// <summary>The environment variable that selects the profile: <c>ci</c> (default) or <c>full</c>.</summary>
    public const string ProfileVariable = "SIGNALS_CHAOS_PROFILE";

    /// <summary>The environment variable that may fix the random seed (an integer), to replay a run's choices.</summary>
    public const string SeedVariable = "SIGNALS_CHAOS_SEED";

    /// <summary>The share of transactions that save and then roll back.</summary>
    public const double RollbackRate = 0.05;

    /// <summary>The most notes one transaction inserts (each on a random item of its writer).</summary>
    public const int MaxNotesPerTransaction = 3;

    /// <summary>The longest pause between a transaction's save and its commit or rollback, in milliseconds: commits land out of id order.</summary>
    public const int MaxCommitDelayMilliseconds = 4;

    /// <summary>The sized-for-CI profile: 16 writers, 6,000 commits, every fault.</summary>
    public static ChaosProfile Ci { get; } = new("ci", 16, 6_000, 4, 4, TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));

    /// <summary>The full profile: 16 writers, 100,000 commits, every fault.</summary>
    public static ChaosProfile Full { get; } = new("full", 16, 100_000, 4, 4, TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(60));

    /// <summary>
    /// The sized-for-CI profile on SQLite: 4 writers, 1,500 commits. SQLite's writers take turns on one lock (and a waiting
    /// Microsoft.Data.Sqlite connection sleeps between tries, holding its thread), so more writers add waiting, not concurrency.
    /// </summary>
    public static ChaosProfile SqliteCi { get; } = new("ci", 4, 1_500, 4, 4, TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));

    /// <summary>The full profile on SQLite: 4 writers, 20,000 commits.</summary>
    public static ChaosProfile SqliteFull { get; } = new("full", 4, 20_000, 4, 4, TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(60));

    /// <summary>Reads the profile from <see cref="ProfileVariable"/>.</summary>
    /// <param name="sqlite">Whether the run is on SQLite (its profiles have fewer writers).</param>
    /// <returns>The profile.</returns>
    /// <exception cref="InvalidOperationException">The variable holds something other than <c>ci</c> or <c>full</c>.</exception>
    public static ChaosProfile FromEnvironment(bool sqlite = false) => Parse(Environment.GetEnvironmentVariable(ProfileVariable), sqlite);

    /// <summary>Reads the seed from <see cref="SeedVariable"/>, or picks one.</summary>
    /// <returns>The seed.</returns>
    /// <exception cref="InvalidOperationException">The variable is set but is not an integer.</exception>
    public static int SeedFromEnvironment() => ParseSeed(Environment.GetEnvironmentVariable(SeedVariable)) ?? Random.Shared.Next();

    /// <summary>Finds a profile by name.</summary>
    /// <param name="name"><c>ci</c>, <c>full</c>, or <see langword="null"/> or empty for <c>ci</c>.</param>
    /// <param name="sqlite">Whether the run is on SQLite.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="name"/> is another value.</exception>
    public static ChaosProfile Parse(string? name, bool sqlite = false)
        => name switch
        {
            null or "" or "ci" => sqlite ? SqliteCi : Ci,
            "full" => sqlite ? SqliteFull : Full,
            _ => throw new InvalidOperationException($"{ProfileVariable} must be 'ci' or 'full'; got '{name}'."),
        };

    /// <summary>Reads a seed.</summary>
    /// <param name="text">An integer, or <see langword="null"/> or empty for none.</param>
    /// <returns>The seed, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="text"/> is not an integer.</exception>
    public static int? ParseSeed(string? text)
        => string.IsNullOrEmpty(text) ? null
            : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed) ? seed
            : throw new InvalidOperationException($"{SeedVariable} must be an integer; got '{text}'.");

    /// <summary>Gets how many transactions each writer commits: the total spread over the writers, rounded up.</summary>
    public int CommitsPerWriter => (Commits + Writers - 1) / Writers;
}
