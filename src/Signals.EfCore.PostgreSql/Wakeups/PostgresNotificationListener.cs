using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Keeps one dedicated connection <c>LISTEN</c>ing on the Signals channel and rings the dispatcher's doorbell on every
/// notification and after every (re)connect, so the read loop catches up on whatever it may have missed.
/// </summary>
/// <remarks>
/// <para>
/// Npgsql raises notifications only while a command or <c>WaitAsync</c> runs, so the loop waits in <c>WaitAsync</c>. A dead connection
/// is noticed within the listener timeout (<c>SignalsPostgreSqlOptions.ListenerTimeout</c>): after half of it without traffic the connection is probed
/// with <c>SELECT 1</c>, which must answer within the other half (a canceled probe breaks the connection at once, no cancellation
/// round trip); TCP keepalive is on as well, and a server that ends the session (restart, <c>pg_terminate_backend</c>) is noticed at
/// once. Npgsql's own application-level keepalive stays off: it has no timeout of its own.
/// </para>
/// <para>A failed connection is replaced with a doubling back-off up to <see cref="SignalsOutboxOptions.MaxRetryDelay"/>. A notification
/// is only a hint; the outbox is the truth.</para>
/// </remarks>
internal sealed class PostgresNotificationListener : IOutboxWakeupTransport
{
    /// <summary>The <c>application_name</c> of the listening connection unless the connection string sets one: <c>Signals listener</c>.</summary>
    public const string ApplicationName = "Signals listener";

    private readonly string _connectionString;
    private readonly string _listen;
    private readonly string _channel;
    private readonly TimeSpan _probeAfter;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _maxRetryDelay;
    private readonly OutboxSignaler _signaler;
    private readonly OutboxDispatcherStatus.WakeupStatus _status;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="connectionString">The application's connection string.</param>
    /// <param name="channel">The channel to <c>LISTEN</c> on.</param>
    /// <param name="timeout">The longest a dead connection goes unnoticed.</param>
    /// <param name="maxRetryDelay">The longest wait between reconnection attempts.</param>
    /// <param name="signaler">The doorbell to ring, and the token of this instance's own notifications (skipped).</param>
    /// <param name="status">The dispatcher's status, where the listener reports whether it listens (<c>listening</c>).</param>
    /// <param name="logger">The logger.</param>
    public PostgresNotificationListener(
        string connectionString,
        string channel,
        TimeSpan timeout,
        TimeSpan maxRetryDelay,
        OutboxSignaler signaler,
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
        _probeAfter = timeout / 2;
        _connectTimeout = timeout;
        _maxRetryDelay = maxRetryDelay;
        _signaler = signaler;
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
                    // This instance's own wake-up needs no second read: its commit already rang the doorbell.
                    connection.Notification += (_, notification) =>
                    {
                        if (!_signaler.IsOwnNotification(notification.Payload))
                        {
                            _signaler.Wake();
                        }
                    };
                    using (var connect = Bounded(_connectTimeout, cancellationToken))
                    {
                        await connection.OpenAsync(connect.Token).ConfigureAwait(false);
                        await ExecuteAsync(connection, _listen, connect.Token).ConfigureAwait(false);
                    }

                    PostgreSqlLog.Listening(_logger, _channel);
                    _status.Connected(true);
                    backoff.Reset();

                    // Whatever committed while nobody listened (start-up, a reconnect) is read now.
                    _signaler.Wake();
                    while (true)
                    {
                        if (!await connection.WaitAsync(_probeAfter, cancellationToken).ConfigureAwait(false))
                        {
                            using var probe = Bounded(_probeAfter, cancellationToken);
                            await ExecuteAsync(connection, "SELECT 1", probe.Token).ConfigureAwait(false);
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
