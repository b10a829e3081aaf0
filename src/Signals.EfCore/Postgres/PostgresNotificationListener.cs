using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Keeps one dedicated connection <c>LISTEN</c>ing on the Signals channel and rings the dispatcher's doorbell on every
/// notification and after every (re)connect, so the read loop catches up on whatever it may have missed.
/// </summary>
/// <remarks>
/// Npgsql raises notifications only while a command or <c>WaitAsync</c> runs, so the loop waits in <c>WaitAsync</c>. The connection
/// has Npgsql's keepalive on, and after each idle <see cref="SignalsOutboxOptions.KeepAliveInterval"/> it is probed with a bounded
/// <c>SELECT 1</c>: a dead connection is noticed within seconds and replaced, with a doubling back-off up to
/// <see cref="SignalsOutboxOptions.MaxRetryDelay"/>. A notification is only a hint; the outbox is the truth.
/// </remarks>
internal sealed class PostgresNotificationListener
{
    /// <summary>The <c>application_name</c> of the listening connection unless the connection string sets one: <c>Signals listener</c>.</summary>
    public const string ApplicationName = "Signals listener";

    private readonly string _connectionString;
    private readonly string _channel;
    private readonly TimeSpan _idle;
    private readonly TimeSpan _maxRetryDelay;
    private readonly OutboxSignaler _signaler;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="connectionString">The application's connection string.</param>
    /// <param name="options">The dispatcher's options.</param>
    /// <param name="signaler">The doorbell to ring.</param>
    /// <param name="logger">The logger.</param>
    public PostgresNotificationListener(string connectionString, SignalsOutboxOptions options, OutboxSignaler signaler, ILogger logger)
    {
        int keepAliveSeconds = Math.Max(1, (int)Math.Ceiling(options.KeepAliveInterval.TotalSeconds));
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            KeepAlive = keepAliveSeconds,
            Pooling = false,
            Enlist = false,
            CommandTimeout = keepAliveSeconds,
        };
        builder.ApplicationName ??= ApplicationName;
        _connectionString = builder.ConnectionString;
        _channel = options.NotificationChannel;
        _idle = TimeSpan.FromSeconds(keepAliveSeconds);
        _maxRetryDelay = options.MaxRetryDelay;
        _signaler = signaler;
        _logger = logger;
    }

    /// <summary>Listens until <paramref name="cancellationToken"/> is canceled, reconnecting after failures.</summary>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>A task that completes when listening stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new RetryBackoff(_maxRetryDelay);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = new NpgsqlConnection(_connectionString);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, _) => _signaler.Wake();
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, $"LISTEN {OutboxTable.Quote(_channel)}", cancellationToken).ConfigureAwait(false);
                    Log.Listening(_logger, _channel);
                    backoff.Reset();

                    // Whatever committed while nobody listened (start-up, a reconnect) is read now.
                    _signaler.Wake();
                    while (true)
                    {
                        if (!await connection.WaitAsync(_idle, cancellationToken).ConfigureAwait(false))
                        {
                            await ExecuteAsync(connection, "SELECT 1", cancellationToken).ConfigureAwait(false);
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
                Log.ListenerFailed(_logger, backoff.Delay, exception);
                if (!await backoff.WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // The only interpolated part is a quoted channel name from options.
        var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
