namespace Signals.EntityFrameworkCore;

/// <summary>
/// Options of the outbox dispatcher of one <see cref="Microsoft.EntityFrameworkCore.DbContext"/> type, configured by
/// <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;(configure)</c> (named options, one name per context type).
/// </summary>
public sealed class SignalsOutboxOptions
{
    /// <summary>The safety-poll interval of the PostgreSQL dispatcher when <see cref="PollInterval"/> is not set: 1 second.</summary>
    public static readonly TimeSpan DefaultPostgresPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The poll interval of the polling dispatcher when <see cref="PollInterval"/> is not set: 100 milliseconds.</summary>
    public static readonly TimeSpan DefaultPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets how often the dispatcher reads the outbox when nothing woke it.</summary>
    /// <remarks>
    /// <para>
    /// The default (<see langword="null"/>) depends on the dispatcher: <see cref="DefaultPostgresPollInterval"/> (1 s) for PostgreSQL
    /// with <c>LISTEN/NOTIFY</c>, where the poll is only a safety net (it bounds the delay of a change whose notification was lost);
    /// <see cref="DefaultPollingInterval"/> (100 ms) for the polling dispatchers (other providers, or PostgreSQL with
    /// <see cref="UsePollingDispatcher"/>), where it bounds how late another instance's change arrives — unless
    /// <see cref="RedisConfiguration"/> is set: Redis then wakes them, and the poll is the 1-second safety net. Saves made by this
    /// application wake its dispatcher at once either way.
    /// </para>
    /// <para>Must be positive when set.</para>
    /// </remarks>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>Gets or sets the PostgreSQL channel the dispatchers <c>LISTEN</c> on and the wake-up <c>pg_notify</c> is sent to.</summary>
    /// <remarks>
    /// The default is <c>signals</c>. At most 63 bytes (PostgreSQL's identifier limit). Ignored by the polling dispatcher, except as the
    /// name of the Redis channel when <see cref="RedisConfiguration"/> is set.
    /// </remarks>
    public string NotificationChannel { get; set; } = "signals";

    /// <summary>Gets or sets a value indicating whether the PostgreSQL dispatcher polls instead of listening.</summary>
    /// <remarks>
    /// The default is <see langword="false"/>: PostgreSQL gets <c>LISTEN/NOTIFY</c>. Set it where <c>LISTEN</c> cannot work, such as behind
    /// a connection pooler in transaction mode: the dispatcher then reads the outbox every <see cref="PollInterval"/> (100 ms by default)
    /// with the same gap-safe reads and sends no notifications. Other providers always poll.
    /// </remarks>
    public bool UsePollingDispatcher { get; set; }

    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string of the optional Redis wake-up accelerator, such as
    /// <c>redis.internal:6379,password=…</c>; <see langword="null"/> (the default) leaves it off.
    /// </summary>
    /// <remarks>
    /// <para>
    /// When set, each instance's dispatcher also publishes one message per burst of local commits to the Redis channel named
    /// <see cref="NotificationChannel"/> (its payload is the instance's token) and reads the outbox as soon as another
    /// instance's message arrives. For the polling dispatchers (other providers, or <see cref="UsePollingDispatcher"/>) that makes
    /// cross-instance delivery as prompt as <c>LISTEN/NOTIFY</c>, and their default <see cref="PollInterval"/> becomes the 1-second
    /// safety poll; beside <c>LISTEN/NOTIFY</c> it is a second, independent wake-up path.
    /// </para>
    /// <para>
    /// Redis is only a hint: the outbox stays the truth, and saves never wait for Redis. While Redis is unreachable (at start-up or
    /// later) the outage is logged, changes from other instances arrive with the safety poll (or <c>NOTIFY</c>), and
    /// StackExchange.Redis reconnects in the background (<c>abortConnect</c> is always <see langword="false"/>); once reconnected, the
    /// dispatcher reads whatever it missed. The health check's data reports whether Redis is connected; an outage alone does not
    /// degrade it.
    /// </para>
    /// <para>
    /// The dispatcher opens a Redis connection of its own. Redis channels are server-wide, not per database: apps that share a Redis
    /// server but not a database give each database its own <see cref="NotificationChannel"/> (or a <c>channelPrefix=</c> in this
    /// string), or they wake each other needlessly. Validated at start-up: the string must parse (StackExchange.Redis
    /// <c>ConfigurationOptions.Parse</c>) and name at least one endpoint.
    /// </para>
    /// </remarks>
    public string? RedisConfiguration { get; set; }

    /// <summary>Gets or sets the most outbox rows the polling dispatcher of other providers reads per query.</summary>
    /// <remarks>The default is 1,000. It reads batches until one comes back short. Must be at least 1.</remarks>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Gets or sets how long the polling dispatcher of other providers waits for a missing outbox id before it skips it.</summary>
    /// <remarks>
    /// <para>
    /// The default is 30 seconds; must be positive. Ids are assigned when a row is inserted, so a gap below a row already read is a
    /// transaction still in flight — or one that rolled back and never fills it. The dispatcher re-reads from the gap until it fills
    /// or is this old. A transaction that commits an outbox row later than this after a higher id was read is not delivered by the
    /// polling dispatcher (the key's next change is). Set it above the longest write transaction. Where ids commit in id order
    /// (SQLite) no gap opens. The PostgreSQL dispatcher does not use it: it reads by transaction id and never skips.
    /// </para>
    /// </remarks>
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest a dead PostgreSQL listening connection goes unnoticed.</summary>
    /// <remarks>
    /// The default is 5 seconds; at least 1 second. After half of it without traffic the dispatcher probes the connection with a
    /// query that may take the other half; TCP keepalive is on as well. A connection that fails either way is replaced (with back-off,
    /// see <see cref="MaxRetryDelay"/>) and the dispatcher catches up from the outbox.
    /// </remarks>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the longest wait between attempts to reconnect or read after a failure.</summary>
    /// <remarks>
    /// The default is 5 seconds; the wait starts at 100 ms and doubles up to this bound, each wait jittered to between half and all of
    /// it (so instances that failed together do not retry together). Must be positive.
    /// </remarks>
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
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the most outbox rows one cleanup statement removes; a run repeats while batches come back full.</summary>
    /// <remarks>The default is 10,000. Must be at least 1.</remarks>
    public int CleanupBatchSize { get; set; } = 10_000;
}
