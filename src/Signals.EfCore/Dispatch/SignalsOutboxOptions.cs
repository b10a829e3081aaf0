using System.ComponentModel.DataAnnotations;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Options of the outbox dispatcher of one <see cref="Microsoft.EntityFrameworkCore.DbContext"/> type, whatever its provider: configured
/// by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;(configure)</c> and bound from the configuration section <c>Signals:Outbox</c>
/// (named options, one name per context type: its full name). Validated at start-up.
/// </summary>
/// <remarks>Provider options live with their provider: <c>SignalsPostgreSqlOptions</c> (<c>Signals:PostgreSql</c>), <c>SignalsRedisOptions</c> (<c>Signals:Redis</c>).</remarks>
public sealed class SignalsOutboxOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from: <c>Signals:Outbox</c>.</summary>
    public const string SectionName = "Signals:Outbox";

    /// <summary>The safety-poll interval of a dispatcher that other instances wake, when <see cref="PollInterval"/> is not set: 1 second.</summary>
    public static readonly TimeSpan DefaultSafetyPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The poll interval of a dispatcher nothing wakes but its own saves, when <see cref="PollInterval"/> is not set: 100 milliseconds.</summary>
    public static readonly TimeSpan DefaultPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets how often the dispatcher reads the outbox when nothing woke it.</summary>
    /// <remarks>
    /// <para>
    /// The default (<see langword="null"/>) depends on how other instances wake the dispatcher: <see cref="DefaultSafetyPollInterval"/>
    /// (1 s) when they do (PostgreSQL <c>LISTEN/NOTIFY</c>, Redis), where the poll is only a safety net (it bounds the delay of a change
    /// whose wake-up was lost); <see cref="DefaultPollingInterval"/> (100 ms) otherwise (the polling dispatchers without Redis), where it
    /// bounds how late another instance's change arrives. Saves made by this application wake its dispatcher at once either way.
    /// </para>
    /// <para>Must be positive when set.</para>
    /// </remarks>
    [Range(typeof(TimeSpan), PositiveTimeSpan, MaxTimeSpan)]
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// Gets or sets whether this instance serves stateless: no dispatcher runs, and the hub holds nothing between requests. Sync reads
    /// the versions of its keys from the database (one query), and a long-poll reads them again every <see cref="PollInterval"/>
    /// (default 1 s) until one differs. For serverless hosts, where nothing runs between requests.
    /// </summary>
    /// <remarks>
    /// <para>The default is <see langword="false"/>. Bound from <c>Signals:Outbox:Stateless</c>, so one build can run either way.</para>
    /// <para>
    /// What it trades: a long-poll learns of a change up to one poll interval after it committed (a dispatching instance: one
    /// <c>NOTIFY</c> round trip, about a millisecond), and each waiting long-poll costs one query per interval. The event stream is
    /// not served (503 <c>source-unavailable</c>: there is no dispatcher to feed it). No stateless instance cleans up the outbox or moves
    /// the resume floor: run the cleanup on at least one dispatching instance (or keep rows forever). Writes made through a stateless
    /// instance are committed and seen by every other instance as usual.
    /// </para>
    /// </remarks>
    public bool Stateless { get; set; }

    /// <summary>Gets or sets the most outbox rows the polling source (the neutral provider) reads per query.</summary>
    /// <remarks>The default is 1,000. It reads batches until one comes back short. Must be at least 1.</remarks>
    [Range(1, int.MaxValue)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Gets or sets how long the polling source (the neutral provider) waits for a missing outbox id before it skips it.</summary>
    /// <remarks>
    /// <para>
    /// The default is 30 seconds; must be positive. Ids are assigned when a row is inserted, so a gap below a row already read is a
    /// transaction still in flight — or one that rolled back and never fills it. The dispatcher re-reads from the gap until it fills
    /// or is this old. A transaction that commits an outbox row later than this after a higher id was read is not delivered by the
    /// polling source (the key's next change is). Set it above the longest write transaction. The SQLite provider (<c>UseSqlite()</c>)
    /// does not use it: SQLite's writers take turns, so a missing id there never fills, and is passed at once. The PostgreSQL provider
    /// does not use it either: it reads by transaction id and never skips.
    /// </para>
    /// </remarks>
    [Range(typeof(TimeSpan), PositiveTimeSpan, MaxTimeSpan)]
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest wait between attempts to reconnect or read after a failure.</summary>
    /// <remarks>
    /// The default is 5 seconds; the wait starts at 100 ms and doubles up to this bound, each wait jittered to between half and all of
    /// it (so instances that failed together do not retry together). Must be positive.
    /// </remarks>
    [Range(typeof(TimeSpan), PositiveTimeSpan, MaxTimeSpan)]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait after a failed read or connection, before doubling.</summary>
    internal static readonly TimeSpan InitialRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets how long outbox rows are kept before they are compacted into the state table and deleted.</summary>
    /// <remarks>
    /// <para>
    /// The default is 24 hours; must be positive, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> to keep rows forever.
    /// Compaction keeps every key's latest version (and hash) in <c>signals_state</c>, so versions survive and a starting instance
    /// loads them; what is lost is the individual history, so an SSE client resuming from a cursor older than the compacted versions
    /// gets <c>event: reset</c> and resyncs (see <see cref="SignalHub.ResumeFloor"/>). Every instance runs the cleanup; on PostgreSQL an
    /// advisory lock lets one at a time do it, elsewhere concurrent runs make all but one fail harmlessly.
    /// </para>
    /// </remarks>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how often each instance runs the outbox cleanup (and refreshes <see cref="SignalHub.ResumeFloor"/>).</summary>
    /// <remarks>The default is 1 minute. Must be positive.</remarks>
    [Range(typeof(TimeSpan), PositiveTimeSpan, MaxTimeSpan)]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the most outbox rows one cleanup statement removes; a run repeats while batches come back full.</summary>
    /// <remarks>The default is 10,000. Must be at least 1.</remarks>
    [Range(1, int.MaxValue)]
    public int CleanupBatchSize { get; set; } = 10_000;

    /// <summary>The shortest positive <see cref="TimeSpan"/> (one tick), as <see cref="RangeAttribute"/> parses it.</summary>
    internal const string PositiveTimeSpan = "00:00:00.0000001";

    /// <summary><see cref="TimeSpan.MaxValue"/>, as <see cref="RangeAttribute"/> parses it.</summary>
    internal const string MaxTimeSpan = "10675199.02:48:05.4775807";

    /// <inheritdoc/>
    /// <remarks>Checks what attributes cannot say: <see cref="RetentionPeriod"/> is positive or infinite.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetentionPeriod <= TimeSpan.Zero && RetentionPeriod != Timeout.InfiniteTimeSpan)
        {
            yield return new ValidationResult(
                $"{nameof(SignalsOutboxOptions)}.{nameof(RetentionPeriod)} must be positive, or Timeout.InfiniteTimeSpan to keep outbox rows forever.",
                [nameof(RetentionPeriod)]);
        }
    }
}
