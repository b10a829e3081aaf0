using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Signals;
using Signals.Samples.Chat.Model;

namespace Signals.Samples.Chat.Clock;

/// <summary>
/// A server-side producer: ticks <c>time:room:{RoomId}</c> once a second (a <see cref="ClockTick"/> in the room's
/// <see cref="ClockZone"/>) while, and only while, a subscriber on this instance watches the key. The first subscriber starts the
/// room's ticker and the last one leaving stops it, as <see cref="SignalHub.WatchersChanged"/> reports.
/// </summary>
/// <remarks>
/// <para>One loop makes every start and stop decision, from the hub's current watcher count, so events that arrive out of order
/// or in bursts cannot leave a watched room without a ticker or an unwatched one with one. A ticker that ended (stopped, or the app
/// is stopping) hands its key back to that loop, which starts a new one if someone watches again.</para>
/// <para>Rooms that do not exist are not ticked, so a client cannot make the server write for made-up keys. Each instance ticks
/// for its own subscribers; ticks are whole seconds, so instances ticking the same room store equal values.</para>
/// </remarks>
/// <param name="hub">The hub whose watchers start and stop the tickers.</param>
/// <param name="values">The store the ticks are written to.</param>
/// <param name="scopes">Creates a scope to check that a room exists.</param>
/// <param name="clock">The time source.</param>
/// <param name="logger">Logs starts, stops and failures.</param>
public sealed partial class ClockProducer(
    SignalHub hub, ISignalValueStore values, IServiceScopeFactory scopes, TimeProvider clock, ILogger<ClockProducer> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<SignalKey, bool> _changed = new();
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly ConcurrentDictionary<string, Ticker> _tickers = new(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether a room's clock is ticking now.</summary>
    /// <param name="roomId">The room.</param>
    /// <returns><see langword="true"/> from the first tick until the ticker has ended (no tick is written after it turns false).</returns>
    public bool IsTicking(string roomId) => _tickers.TryGetValue(roomId, out Ticker? ticker) && ticker.IsTicking;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        hub.WatchersChanged += OnWatchersChanged;
        try
        {
            while (await _doorbell.Reader.WaitToReadAsync(stoppingToken))
            {
                _doorbell.Reader.TryRead(out _);
                foreach (SignalKey key in _changed.Keys)
                {
                    _changed.TryRemove(key, out _);
                    Reconcile(key, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
        finally
        {
            hub.WatchersChanged -= OnWatchersChanged;
            await Task.WhenAll(_tickers.Values.Select(static ticker => ticker.StopAsync()));
        }
    }

    private void OnWatchersChanged(object? sender, SignalWatchersChangedEventArgs e) => MarkChanged(e.Key);

    private void MarkChanged(SignalKey key)
    {
        if (ClockKeys.TryGetTickRoom(key, out _))
        {
            _changed[key] = true;
            _doorbell.Writer.TryWrite(true);
        }
    }

    private void Reconcile(SignalKey key, CancellationToken stoppingToken)
    {
        ClockKeys.TryGetTickRoom(key, out string roomId);
        bool watched = hub.GetWatcherCount(key) > 0;
        if (_tickers.TryGetValue(roomId, out Ticker? ticker))
        {
            if (!ticker.Task.IsCompleted)
            {
                if (!watched)
                {
                    ticker.Stop();
                }

                // A stopping ticker marks the key again when it ends; the next pass starts a new one if someone watches by then.
                return;
            }

            _tickers.TryRemove(roomId, out _);
            ticker.Dispose();
        }

        if (watched)
        {
            _tickers[roomId] = new Ticker(this, roomId, key, stoppingToken);
        }
    }

    private async Task RunAsync(Ticker ticker, CancellationToken stop)
    {
        try
        {
            if (!await RoomExistsAsync(ticker.RoomId, stop))
            {
                // Not a room: wait, without ticking, until nobody watches the key any more.
                await Task.Delay(Timeout.InfiniteTimeSpan, clock, stop);
            }

            LogStarted(logger, ticker.RoomId);
            ticker.IsTicking = true;
            while (true)
            {
                DateTimeOffset now = clock.GetUtcNow();
                var second = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
                try
                {
                    await TickAsync(ticker.RoomId, ticker.Key, second, stop);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogTickFailed(logger, ticker.RoomId, exception);
                }

                await Task.Delay(second.AddSeconds(1) - now, clock, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The last watcher left, or the app is stopping.
        }
        finally
        {
            if (ticker.IsTicking)
            {
                ticker.IsTicking = false;
                LogStopped(logger, ticker.RoomId);
            }

            MarkChanged(ticker.Key);
        }
    }

    private async Task TickAsync(string roomId, SignalKey key, DateTimeOffset second, CancellationToken cancellationToken)
    {
        ClockZone zone = (await values.GetAsync(ClockZone.Keys.Value(roomId), static () => new ClockZone(), cancellationToken)).Value;
        TimeZoneInfo timeZone = TimeZoneInfo.TryFindSystemTimeZoneById(zone.TimeZone, out TimeZoneInfo? found) ? found : TimeZoneInfo.Utc;
        await values.SetAsync(key, new ClockTick(second, zone.TimeZone, TimeZoneInfo.ConvertTime(second, timeZone)), cancellationToken);
    }

    private async Task<bool> RoomExistsAsync(string roomId, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ChatDbContext>().Rooms.AnyAsync(r => r.Id == roomId, cancellationToken);
    }

    [LoggerMessage(1, LogLevel.Information, "Clock of room {RoomId} started: its first watcher arrived.")]
    private static partial void LogStarted(ILogger logger, string roomId);

    [LoggerMessage(2, LogLevel.Information, "Clock of room {RoomId} stopped: its last watcher left.")]
    private static partial void LogStopped(ILogger logger, string roomId);

    [LoggerMessage(3, LogLevel.Warning, "Clock of room {RoomId} could not store a tick; it tries again next second.")]
    private static partial void LogTickFailed(ILogger logger, string roomId, Exception exception);

    /// <summary>One room's ticker; started, stopped and disposed only by the loop in <see cref="ExecuteAsync"/>.</summary>
    private sealed class Ticker : IDisposable
    {
        private readonly CancellationTokenSource _stop;
        private volatile bool _isTicking;

        public Ticker(ClockProducer producer, string roomId, SignalKey key, CancellationToken stoppingToken)
        {
            RoomId = roomId;
            Key = key;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            Task = Task.Run(() => producer.RunAsync(this, _stop.Token), CancellationToken.None);
        }

        public string RoomId { get; }

        public SignalKey Key { get; }

        public Task Task { get; }

        /// <summary>Gets or sets a value indicating whether the ticker writes ticks: from its first tick until it has ended.</summary>
        public bool IsTicking
        {
            get => _isTicking;
            set => _isTicking = value;
        }

        public void Stop() => _stop.Cancel();

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task;
            Dispose();
        }

        public void Dispose() => _stop.Dispose();
    }
}
