using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Options of the PostgreSQL provider of one context type's outbox: configured by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;().UsePostgreSql(configure)</c>
/// and bound from the configuration section <c>Signals:PostgreSql</c> (named options, one name per context type: its full name).
/// Validated at start-up.
/// </summary>
public sealed class SignalsPostgreSqlOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from: <c>Signals:PostgreSql</c>.</summary>
    public const string SectionName = "Signals:PostgreSql";

    /// <summary>Gets or sets the PostgreSQL channel the dispatchers <c>LISTEN</c> on and the wake-up <c>pg_notify</c> is sent to.</summary>
    /// <remarks>
    /// The default is <c>signals</c>. 1 to 63 bytes (PostgreSQL's identifier limit). Not used while <see cref="UsePollingDispatcher"/> is set.
    /// Any other program may send a wake-up on it after its own writes (<c>SELECT pg_notify('signals', '')</c>: any payload that does
    /// not end with <c>:listening</c>, which marks the listeners' announcements).
    /// </remarks>
    public string NotificationChannel { get; set; } = "signals";

    /// <summary>Gets or sets a value indicating whether the dispatcher polls instead of listening.</summary>
    /// <remarks>
    /// The default is <see langword="false"/>: PostgreSQL gets <c>LISTEN/NOTIFY</c>. Set it where <c>LISTEN</c> cannot work, such as behind
    /// a connection pooler in transaction mode: the dispatcher then reads the outbox every <see cref="SignalsOutboxOptions.PollInterval"/>
    /// (100 ms by default, or the 1-second safety poll with Redis wake-ups) with the same gap-safe reads by transaction id, and sends
    /// no notifications.
    /// </remarks>
    public bool UsePollingDispatcher { get; set; }

    /// <summary>Gets or sets the longest a dead listening connection goes unnoticed (and the longest the listener waits to connect).</summary>
    /// <remarks>
    /// The default is 5 seconds; at least 1 second. Every half of it the listener announces its instance on the channel with a
    /// <c>pg_notify</c> that may take the other half, which also probes the connection; TCP keepalive is on as well. An instance that
    /// hears no other instance's announcement for twice this time stops sending wake-ups (see <see cref="NotifyWithoutPeers"/>). A connection that fails either way is replaced (with back-off, see
    /// <see cref="SignalsOutboxOptions.MaxRetryDelay"/>) and the dispatcher catches up from the outbox. Not the SSE heartbeat of the
    /// endpoints, which keeps idle HTTP streams open. With capture by logical replication, it is also how often an instance whose
    /// dispatcher waits on standby (another instance reads the replication slot) tries to take the slot over.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:01", SignalsOutboxOptions.MaxTimeSpan)]
    public TimeSpan ListenerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long the instance reading the replication slot (capture by logical replication) waits after a captured commit
    /// arrives before it writes that commit's keys, gathering the commits that follow into the same outbox transaction.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The default is 5 ms; 0 to 1 second. Each outbox write is a transaction of its own with a WAL flush, so without a wait every
    /// sequential save by another writer costs the server a second durable commit and the dispatchers a read. With it, the commits of
    /// one wait share one write: this is Kafka's <c>linger.ms</c>, or PostgreSQL's own <c>commit_delay</c>, for the outbox. Each captured
    /// change reaches the outbox (and its subscribers) up to this much later; a busy slot gathers commits during each write anyway.
    /// </para>
    /// <para>Not used without a table captured by logical replication (<c>HasSignalCaptureMechanism</c>).</para>
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan ReplicationBatchDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Gets or sets a value indicating whether the wake-up <c>pg_notify</c> is sent after local commits even while no other Signals
    /// instance listens on <see cref="NotificationChannel"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The default is <see langword="false"/>: each instance's listener announces itself on the channel when it starts listening and
    /// every half <see cref="ListenerTimeout"/>, and an instance that heard no other instance's announcement for twice
    /// <see cref="ListenerTimeout"/> (10 s by default) sends no wake-ups, which would cost PostgreSQL a transaction per burst of commits
    /// and wake nobody but itself. It sends them again from the first announcement it hears, and then sends one at once, so a newcomer
    /// reads whatever committed meanwhile; while its own listener is disconnected, and for twice <see cref="ListenerTimeout"/> after it
    /// connects, it sends them regardless.
    /// </para>
    /// <para>
    /// Set it when something other than Signals instances of this version <c>LISTEN</c>s on the channel for this instance's commits:
    /// another program, or, during a rolling upgrade, instances of a version that does not announce itself (without it they would
    /// get this instance's changes on their safety poll, <see cref="SignalsOutboxOptions.PollInterval"/>).
    /// </para>
    /// </remarks>
    public bool NotifyWithoutPeers { get; set; }

    /// <inheritdoc/>
    /// <remarks>Checks what attributes cannot say: <see cref="NotificationChannel"/> is 1 to 63 UTF-8 bytes.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(NotificationChannel) || Encoding.UTF8.GetByteCount(NotificationChannel) > 63)
        {
            yield return new ValidationResult(
                $"{nameof(SignalsPostgreSqlOptions)}.{nameof(NotificationChannel)} must be 1 to 63 bytes long (a PostgreSQL identifier).",
                [nameof(NotificationChannel)]);
        }
    }
}
