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
    /// <remarks>The default is <c>signals</c>. 1 to 63 bytes (PostgreSQL's identifier limit). Not used while <see cref="UsePollingDispatcher"/> is set.</remarks>
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
    /// The default is 5 seconds; at least 1 second. After half of it without traffic the listener probes its connection with a query
    /// that may take the other half; TCP keepalive is on as well. A connection that fails either way is replaced (with back-off, see
    /// <see cref="SignalsOutboxOptions.MaxRetryDelay"/>) and the dispatcher catches up from the outbox. Not the SSE heartbeat of the
    /// endpoints, which keeps idle HTTP streams open.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:01", SignalsOutboxOptions.MaxTimeSpan)]
    public TimeSpan ListenerTimeout { get; set; } = TimeSpan.FromSeconds(5);

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
