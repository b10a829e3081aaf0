using Microsoft.Extensions.Logging;
using Signals.EntityFrameworkCore;
using StackExchange.Redis;

namespace Signals.Redis;

/// <summary>
/// The optional Redis wake-up accelerator (<c>AddRedis()</c>): publishes one message per burst of local commits on its Redis channel,
/// and rings the dispatcher's doorbell
/// for every other instance's message and whenever its subscription (re)connects, so the read loop catches up on what it missed.
/// </summary>
/// <remarks>
/// <para>
/// A message is only a hint; the outbox is the truth. Nothing here blocks a save or the read loop: saves only ask for a wake-up
/// (<see cref="OutboxWakeup"/>), a failed publish is logged and the next burst tries again. StackExchange.Redis keeps the connection
/// (<c>abortConnect=false</c>: an unreachable server at start-up is retried in the background too) and restores the subscription after
/// a reconnect; an outage is logged once, its end once. The subscription's state goes to <see cref="OutboxDispatcherStatus"/>.
/// </para>
/// <para>
/// The message is the instance's token (<see cref="OutboxSignaler.NotificationPayload"/>); Redis delivers it to the sender too, which
/// skips its own (<see cref="OutboxSignaler.IsOwnNotification"/>).
/// </para>
/// </remarks>
internal sealed class RedisWakeupRelay : IOutboxWakeupTransport
{
    private readonly ConfigurationOptions _configuration;
    private readonly string _channelName;
    private readonly RedisChannel _channel;
    private readonly TimeSpan _maxRetryDelay;
    private readonly OutboxSignaler _signaler;
    private readonly OutboxWakeup _wakeup;
    private readonly OutboxDispatcherStatus.WakeupStatus _status;
    private readonly ILogger _logger;
    private int _subscribed;

    /// <summary>Initializes a new instance and opens its wake-up on <paramref name="signaler"/>.</summary>
    /// <param name="configuration">The StackExchange.Redis configuration string (validated by <see cref="IsValidConfiguration"/>).</param>
    /// <param name="channel">The channel to publish and subscribe on.</param>
    /// <param name="maxRetryDelay">The longest wait between attempts after a failure.</param>
    /// <param name="signaler">The doorbell to ring and the commits to report.</param>
    /// <param name="status">The dispatcher's status, where the relay reports whether its subscription is connected (<c>redis</c>).</param>
    /// <param name="logger">The logger.</param>
    public RedisWakeupRelay(
        string configuration, string channel, TimeSpan maxRetryDelay, OutboxSignaler signaler, OutboxDispatcherStatus status, ILogger logger)
    {
        _configuration = ConfigurationOptions.Parse(configuration);
        _configuration.AbortOnConnectFail = false;
        _channelName = channel;
        _channel = RedisChannel.Literal(channel);
        _maxRetryDelay = maxRetryDelay;
        _signaler = signaler;
        _wakeup = signaler.OpenWakeup();
        _status = status.AddWakeup("redis", "Redis", required: false);
        _logger = logger;
    }

    /// <summary>Tells whether a configuration string parses (StackExchange.Redis <c>ConfigurationOptions.Parse</c>) and names an endpoint.</summary>
    /// <param name="configuration">The configuration string.</param>
    /// <returns><see langword="true"/> when the relay can use it.</returns>
    public static bool IsValidConfiguration(string? configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration))
        {
            return false;
        }

        try
        {
            return ConfigurationOptions.Parse(configuration).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new RetryBackoff(SignalsOutboxOptions.InitialRetryDelay, _maxRetryDelay);
        while (!cancellationToken.IsCancellationRequested)
        {
            ConnectionMultiplexer? connection = null;
            try
            {
                connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                connection.ConnectionFailed += OnConnectionFailed;
                connection.ConnectionRestored += OnConnectionRestored;
                ISubscriber subscriber = connection.GetSubscriber();
                await subscriber.SubscribeAsync(_channel, OnMessage).WaitAsync(cancellationToken).ConfigureAwait(false);
                if (subscriber.IsConnected(_channel))
                {
                    OnSubscribed();
                }
                else
                {
                    RedisLog.RedisUnreachable(_logger, string.Join(", ", _configuration.EndPoints), "not connected at start-up", null);
                }

                backoff.Reset();
                await _wakeup.SendAsync(
                    (payload, token) => subscriber.PublishAsync(_channel, payload).WaitAsync(token),
                    exception => RedisLog.NotifyFailed(_logger, "Redis PUBLISH", exception),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // StackExchange.Redis retries connections itself; this is for anything else (such as a subscription refused).
                TimeSpan delay = backoff.Next();
                RedisLog.RedisFailed(_logger, delay, exception);
                if (!await RetryBackoff.WaitAsync(delay, TimeProvider.System, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            finally
            {
                if (connection is not null)
                {
                    await CloseAsync(connection).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Connects; with <c>abortConnect=false</c> this returns after the first attempt (at most <c>connectTimeout</c>) even when it failed.</summary>
    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        Task<ConnectionMultiplexer> connecting = ConnectionMultiplexer.ConnectAsync(_configuration);
        try
        {
            return await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The attempt has no cancellation of its own: close what it opens once it is done.
            _ = connecting.ContinueWith(
                static attempt => attempt.Result.Dispose(),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw;
        }
    }

    private async Task CloseAsync(ConnectionMultiplexer connection)
    {
        connection.ConnectionFailed -= OnConnectionFailed;
        connection.ConnectionRestored -= OnConnectionRestored;
        Interlocked.Exchange(ref _subscribed, 0);
        _status.Connected(false);
        await connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        connection.Dispose();
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        // This instance's own wake-up needs no second read: its commit already rang the doorbell.
        if (!_signaler.IsOwnNotification(message))
        {
            _signaler.Wake();
        }
    }

    private void OnSubscribed()
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 0)
        {
            _status.Connected(true);
            RedisLog.RedisSubscribed(_logger, _channelName);
        }

        // Whatever committed while nobody listened (start-up, an outage) is read now.
        _signaler.Wake();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            OnSubscribed();
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref _subscribed, 0) == 1)
        {
            _status.Connected(false);
            RedisLog.RedisUnreachable(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception);
        }
    }
}
