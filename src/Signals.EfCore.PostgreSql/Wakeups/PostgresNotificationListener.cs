using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Keeps one dedicated connection <c>LISTEN</c>ing on the Signals channel, rings the dispatcher's doorbell on every other
/// instance's wake-up and after every (re)connect, so the read loop catches up on whatever it may have missed, and announces this
/// instance to the others (<see cref="ListenerPresence"/>).
/// </summary>
/// <remarks>
/// <para>
/// Npgsql raises notifications only while a command or <c>WaitAsync</c> runs, so the loop waits in <c>WaitAsync</c>. Right after
/// <c>LISTEN</c>, and then every half listener timeout (<see cref="ListenerPresence.AnnouncementInterval"/>), the connection sends this
/// instance's announcement, which must be answered within the other half: a dead connection is noticed within the listener
/// timeout (<c>SignalsPostgreSqlOptions.ListenerTimeout</c>), a canceled announcement breaks the connection at once (no cancellation
/// round trip), TCP keepalive is on as well, and a server that ends the session (restart, <c>pg_terminate_backend</c>) is noticed at
/// once. Npgsql's own application-level keepalive stays off: it has no timeout of its own.
/// </para>
/// <para>Another instance's announcement wakes nobody; if it ends a time without peers, this listener sends one wake-up in reply, so
/// the newcomer reads what was committed while this instance sent none.</para>
/// <para>A failed connection is replaced with a doubling back-off up to <see cref="SignalsOutboxOptions.MaxRetryDelay"/>. A notification
/// is only a hint; the outbox is the truth.</para>
/// </remarks>
internal sealed class PostgresNotificationListener : IOutboxWakeupTransport
{
    /// <summary>The <c>application_name</c> of the listening connection unless the connection string sets one: <c>Signals listener</c>.</summary>
    public const string ApplicationName = "Signals listener";

    /// <summary>
    /// The listener's own notifications (its announcements, and the wake-up it sends a newcomer): the notifier's statement
    /// (<see cref="PostgresWakeupNotifier.NotifySql"/>, committed asynchronously) under a column name of its own, so that
    /// <c>pg_stat_statements</c> counts them apart from the wake-ups that follow commits. Parameters: the channel, the payload.
    /// </summary>
    private const string NotifySql = "SELECT pg_notify($1, $2) AS listener, set_config('synchronous_commit', 'off', true)";

    /// <summary>The shortest wait: Npgsql's <c>WaitAsync</c> counts whole milliseconds and takes 0 as no timeout at all.</summary>
    private static readonly TimeSpan WaitResolution = TimeSpan.FromMilliseconds(1);

    private readonly string _connectionString;
    private readonly string _listen;
    private readonly string _channel;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _maxRetryDelay;
    private readonly OutboxSignaler _signaler;
    private readonly string _announcement;
    private readonly ListenerPresence _presence;
    private readonly OutboxDispatcherStatus.WakeupStatus _status;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="connectionString">The application's connection string.</param>
    /// <param name="channel">The channel to <c>LISTEN</c> on.</param>
    /// <param name="timeout">The longest a dead connection goes unnoticed.</param>
    /// <param name="maxRetryDelay">The longest wait between reconnection attempts.</param>
    /// <param name="signaler">The doorbell to ring, and the token of this instance's own notifications (skipped).</param>
    /// <param name="presence">Where other instances' announcements are recorded, and this listener's connection.</param>
    /// <param name="status">The dispatcher's status, where the listener reports whether it listens (<c>listening</c>).</param>
    /// <param name="logger">The logger.</param>
    public PostgresNotificationListener(
        string connectionString,
        string channel,
        TimeSpan timeout,
        TimeSpan maxRetryDelay,
        OutboxSignaler signaler,
        ListenerPresence presence,
        OutboxDispatcherStatus status,
        ILogger logger)
    {
        int seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            Enlist = false,
            KeepAlive = 0,
            TcpKeepAlive = true,
            TcpKeepAliveTime = seconds,
            TcpKeepAliveInterval = 1,
            Timeout = seconds,
            CancellationTimeout = -1,
        };
        builder.ApplicationName ??= ApplicationName;
        _connectionString = builder.ConnectionString;
        _channel = channel;
        _listen = $"LISTEN \"{channel.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        _connectTimeout = timeout;
        _maxRetryDelay = maxRetryDelay;
        _signaler = signaler;
        _announcement = ListenerPresence.AnnouncementOf(signaler.NotificationPayload);
        _presence = presence;
        _status = status.AddWakeup("listening", "the PostgreSQL listener", required: true);
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new RetryBackoff(SignalsOutboxOptions.InitialRetryDelay, _maxRetryDelay);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = new NpgsqlConnection(_connectionString);
                await using (connection.ConfigureAwait(false))
                {
                    bool welcome = false;
                    connection.Notification += (_, notification) => welcome |= OnNotification(notification.Payload);
                    using (var connect = Bounded(_connectTimeout, cancellationToken))
                    {
                        await connection.OpenAsync(connect.Token).ConfigureAwait(false);
                        await ExecuteAsync(connection, _listen, connect.Token).ConfigureAwait(false);
                    }

                    _presence.Connected();
                    PostgreSqlLog.Listening(_logger, _channel);
                    _status.Connected(true);
                    backoff.Reset();

                    // Whatever committed while nobody listened (start-up, a reconnect) is read now.
                    _signaler.Wake();
                    long? announcedAt = null;
                    while (true)
                    {
                        if (!welcome && UntilAnnouncement(announcedAt) is var wait && wait >= WaitResolution)
                        {
                            // Npgsql waits whole milliseconds, and a timeout of 0 for ever: round up, never down.
                            await connection.WaitAsync(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), cancellationToken).ConfigureAwait(false);
                        }

                        if (welcome)
                        {
                            welcome = false;
                            await NotifyAsync(connection, _signaler.NotificationPayload, cancellationToken).ConfigureAwait(false);
                        }
                        else if (UntilAnnouncement(announcedAt) < WaitResolution)
                        {
                            announcedAt = TimeProvider.System.GetTimestamp();
                            await NotifyAsync(connection, _announcement, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                _presence.Disconnected();
                _status.Connected(false, exception);
                TimeSpan delay = backoff.Next();
                PostgreSqlLog.ListenerFailed(_logger, delay, exception);
                if (!await RetryBackoff.WaitAsync(delay, TimeProvider.System, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>A token that cancels after <paramref name="timeout"/> (or when listening stops).</summary>
    private static CancellationTokenSource Bounded(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>How long until the next announcement is due: none yet on this connection, or <see cref="ListenerPresence.AnnouncementInterval"/> after the last.</summary>
    private TimeSpan UntilAnnouncement(long? announcedAt)
        => announcedAt is { } at ? _presence.AnnouncementInterval - TimeProvider.System.GetElapsedTime(at) : TimeSpan.Zero;

    /// <summary>
    /// Handles one notification, on the connection's thread: another instance's wake-up (or any other payload, e.g. a service's own
    /// <c>pg_notify</c> after its writes) rings the doorbell; another instance's announcement is recorded; this instance's own wake-ups
    /// and announcements are skipped (its commits already rang the doorbell).
    /// </summary>
    /// <returns><see langword="true"/> when a wake-up must be sent in reply to a newcomer (<see cref="ListenerPresence.Announced"/>).</returns>
    private bool OnNotification(string payload)
    {
        if (_signaler.IsOwnNotification(payload) || string.Equals(payload, _announcement, StringComparison.Ordinal))
        {
            return false;
        }

        if (ListenerPresence.IsAnnouncement(payload))
        {
            return _presence.Announced();
        }

        _signaler.Wake();
        return false;
    }

    /// <summary>
    /// Sends <paramref name="payload"/> on the listening connection (<see cref="NotifySql"/>), which must answer within half the
    /// listener timeout.
    /// </summary>
    private async Task NotifyAsync(NpgsqlConnection connection, string payload, CancellationToken cancellationToken)
    {
        using var bounded = Bounded(_presence.AnnouncementInterval, cancellationToken);
        var command = new NpgsqlCommand(NotifySql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _channel });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
            await command.ExecuteNonQueryAsync(bounded.Token).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // The only variable part is the quoted channel name from options.
        var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
