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
    /// The default (<see langword="null"/>) depends on the dispatcher: <see cref="DefaultPostgresPollInterval"/> (1 s) for PostgreSQL,
    /// where the poll is only a safety net behind <c>LISTEN/NOTIFY</c> (it bounds the delay of a change whose notification was lost);
    /// <see cref="DefaultPollingInterval"/> (100 ms) for the polling dispatcher of other providers, where it bounds how late another
    /// instance's change arrives. Saves made by this application wake its dispatcher at once either way.
    /// </para>
    /// <para>Must be positive when set.</para>
    /// </remarks>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>Gets or sets the PostgreSQL channel the dispatchers <c>LISTEN</c> on and the wake-up <c>pg_notify</c> is sent to.</summary>
    /// <remarks>The default is <c>signals</c>. At most 63 bytes (PostgreSQL's identifier limit). Ignored by the polling dispatcher.</remarks>
    public string NotificationChannel { get; set; } = "signals";

    /// <summary>Gets or sets a value indicating whether to use the polling dispatcher even on PostgreSQL.</summary>
    /// <remarks>
    /// The default is <see langword="false"/>: PostgreSQL gets the <c>LISTEN/NOTIFY</c> dispatcher. Set it where <c>LISTEN</c> cannot work,
    /// such as behind a connection pooler in transaction mode; changes made by other instances then arrive within <see cref="PollInterval"/>.
    /// </remarks>
    public bool UsePollingDispatcher { get; set; }

    /// <summary>Gets or sets the most outbox rows read per query.</summary>
    /// <remarks>The default is 1,000. The dispatcher reads batches until one comes back short. Must be at least 1.</remarks>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Gets or sets how long the PostgreSQL listening connection may be idle before it is probed.</summary>
    /// <remarks>
    /// The default is 5 seconds: Npgsql sends a keepalive after this much inactivity, and the dispatcher probes the connection with
    /// a query bounded by the same time, so a dead connection is noticed (and replaced) within seconds. Whole seconds, at least 1.
    /// </remarks>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the longest wait between attempts to reconnect or read after a failure.</summary>
    /// <remarks>The default is 5 seconds; the wait starts at 100 ms and doubles up to this bound. Must be positive.</remarks>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
