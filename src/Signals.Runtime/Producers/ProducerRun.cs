using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Signals;

/// <summary>
/// One watched key's producer on this instance: competes for the key's lock while the key is watched here, runs the producer while it
/// holds the lock (restarting it with a back-off when it throws), and releases the lock a grace period after the key's last local
/// subscriber left, or as soon as the lock is lost.
/// </summary>
/// <remarks>Started by <see cref="SignalProducers"/> when a key gains its first local subscriber; ends by retiring itself there.</remarks>
internal sealed partial class ProducerRun
{
    private readonly SignalProducers _host;
    private readonly string _template;
    private readonly SignalEmitter _emitter;
    private readonly Func<SignalKey, SignalEmitter, CancellationToken, Task> _produce;
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private volatile bool _isRunning;

    public ProducerRun(
        SignalProducers host, string template, SignalEmitter emitter, Func<SignalKey, SignalEmitter, CancellationToken, Task> produce, CancellationToken stopping)
    {
        _host = host;
        _template = template;
        _emitter = emitter;
        _produce = produce;
        Task = Task.Run(() => RunAsync(stopping), CancellationToken.None);
    }

    /// <summary>Gets the key.</summary>
    public SignalKey Key => _emitter.Key;

    /// <summary>Gets the run's task; it never faults.</summary>
    public Task Task { get; }

    /// <summary>Gets a value indicating whether the producer's delegate runs now.</summary>
    public bool IsRunning => _isRunning;

    /// <summary>Tells the run that the key's local subscribers changed: it reads the count again.</summary>
    public void Ring() => _doorbell.Writer.TryWrite(true);

    private bool IsWatched => _host.Hub.GetWatcherCount(Key) > 0;

    private async Task RunAsync(CancellationToken stopping)
    {
        do
        {
            while (!stopping.IsCancellationRequested && IsWatched)
            {
                ProducerLease? lease = await TryAcquireAsync(stopping).ConfigureAwait(false);
                if (lease is null)
                {
                    await WaitForRingAsync(_host.Options.LockRetryInterval, stopping).ConfigureAwait(false);
                    continue;
                }

                await using (lease.ConfigureAwait(false))
                {
                    await OwnAsync(lease, stopping).ConfigureAwait(false);
                }
            }
        }
        while (!_host.TryRetire(this));
    }

    private async Task<ProducerLease?> TryAcquireAsync(CancellationToken stopping)
    {
        try
        {
            return await _host.Locks.TryAcquireAsync(Key, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception exception)
        {
            LogLockFailed(_host.Logger, Key, _host.Locks.Name, exception);
            return null;
        }
    }

    /// <summary>Holds the lock: runs the producer until the key has gone unwatched for the grace period, the lock is lost, or the app stops.</summary>
    private async Task OwnAsync(ProducerLease lease, CancellationToken stopping)
    {
        using var owning = CancellationTokenSource.CreateLinkedTokenSource(stopping, lease.Lost);
        Task producing = SuperviseAsync(owning.Token);
        try
        {
            while (!owning.IsCancellationRequested)
            {
                if (IsWatched)
                {
                    await WaitForRingAsync(Timeout.InfiniteTimeSpan, owning.Token).ConfigureAwait(false);
                    continue;
                }

                // Nobody here watches: keep producing for the grace period, in case someone comes back (a reload, a reconnect).
                long unwatchedSince = _host.Time.GetTimestamp();
                while (!IsWatched && !owning.IsCancellationRequested)
                {
                    TimeSpan left = _host.Options.GracePeriod - _host.Time.GetElapsedTime(unwatchedSince);
                    if (left <= TimeSpan.Zero)
                    {
                        LogReleased(_host.Logger, Key, _host.Options.GracePeriod);
                        return;
                    }

                    await WaitForRingAsync(left, owning.Token).ConfigureAwait(false);
                }
            }

            if (lease.Lost.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                LogLockLost(_host.Logger, Key, _host.Locks.Name);
            }
        }
        finally
        {
            await owning.CancelAsync().ConfigureAwait(false);
            await producing.ConfigureAwait(false);
        }
    }

    /// <summary>Runs the producer until <paramref name="owning"/> is canceled or it returns, restarting it with a back-off when it throws.</summary>
    private async Task SuperviseAsync(CancellationToken owning)
    {
        var backoff = new RetryBackoff(_host.Options.RestartDelay, _host.Options.MaxRestartDelay);
        while (!owning.IsCancellationRequested)
        {
            long started = _host.Time.GetTimestamp();
            _isRunning = true;
            _host.Metrics.ProducersRunningChanged(_template, 1);
            LogProducerStarted(_host.Logger, Key);
            try
            {
                await Task.Run(() => _produce(Key, _emitter, owning), CancellationToken.None).ConfigureAwait(false);
                LogProducerReturned(_host.Logger, Key);
                return;
            }
            catch (OperationCanceledException) when (owning.IsCancellationRequested)
            {
                LogProducerStopped(_host.Logger, Key);
                return;
            }
            catch (Exception exception)
            {
                _host.Metrics.ProducerFailed(_template);
                if (_host.Time.GetElapsedTime(started) > _host.Options.MaxRestartDelay)
                {
                    backoff.Reset();
                }

                TimeSpan delay = backoff.Next();
                LogProducerFailed(_host.Logger, Key, delay, exception);
                _isRunning = false;
                _host.Metrics.ProducersRunningChanged(_template, -1);
                if (!await RetryBackoff.WaitAsync(delay, _host.Time, owning).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }
            finally
            {
                if (_isRunning)
                {
                    _isRunning = false;
                    _host.Metrics.ProducersRunningChanged(_template, -1);
                }
            }
        }
    }

    /// <summary>Waits for <see cref="Ring"/>, at most <paramref name="timeout"/>; returns at once when <paramref name="cancellationToken"/> is canceled.</summary>
    private async Task WaitForRingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, _host.Time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _doorbell.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The timeout elapsed, or the caller's token was canceled: the caller reads its state again.
        }
    }

    [LoggerMessage(10, LogLevel.Information, "Producer of {Key} started on this instance.")]
    private static partial void LogProducerStarted(ILogger logger, SignalKey key);

    [LoggerMessage(11, LogLevel.Information, "Producer of {Key} stopped.")]
    private static partial void LogProducerStopped(ILogger logger, SignalKey key);

    [LoggerMessage(12, LogLevel.Information, "Producer of {Key} returned: it is done until the key is watched again after nobody watched it.")]
    private static partial void LogProducerReturned(ILogger logger, SignalKey key);

    [LoggerMessage(13, LogLevel.Error, "Producer of {Key} threw; it restarts in {Delay}.")]
    private static partial void LogProducerFailed(ILogger logger, SignalKey key, TimeSpan delay, Exception exception);

    [LoggerMessage(14, LogLevel.Information, "Producer of {Key}: nobody on this instance watched it for {GracePeriod}; its lock is released.")]
    private static partial void LogReleased(ILogger logger, SignalKey key, TimeSpan gracePeriod);

    [LoggerMessage(15, LogLevel.Warning, "Producer of {Key}: its lock ({Locks}) was lost; the producer stopped, and the instances that watch the key compete for it again.")]
    private static partial void LogLockLost(ILogger logger, SignalKey key, string locks);

    [LoggerMessage(16, LogLevel.Warning, "Producer of {Key}: taking its lock ({Locks}) failed; trying again.")]
    private static partial void LogLockFailed(ILogger logger, SignalKey key, string locks, Exception exception);
}
