namespace Signals.Client;

/// <content>Fetching: the watch of the key's versions, the fetch loop (one fetch at a time, coalesced, deduped), and its timers.</content>
public sealed partial class SignalQuery<T>
{
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Learn the key's version before the first fetch, so the first data is labelled with a version it is at least as new as.
        try
        {
            foreach (SignalVersion version in await _client.SyncAsync(new Dictionary<SignalKey, long> { [Key] = 0 }, TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
            {
                OnVersion(version);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The fetch below reports what is wrong (as Error); the watch keeps retrying the server.
        }

        Task watching = WatchVersionsAsync(cancellationToken);
        try
        {
            await FetchLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }

        await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchVersionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (SignalVersion version in _client.WatchAsync([Key], cancellationToken).ConfigureAwait(false))
            {
                OnVersion(version);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception exception)
        {
            // The client gave up (it retries everything that retrying can fix): show why; the data stays as it is.
            Update(() => _error = exception);
        }
    }

    private void OnVersion(SignalVersion version) => Update(() =>
    {
        if (version.Version <= _latestVersion)
        {
            return;
        }

        _latestVersion = version.Version;
        _latestHash = version.Hash;
        if (_hasData && !_fetching && !_fetchRequested && version.Hash is not null && version.Hash == _hash)
        {
            // Same content under a new version: nothing to fetch.
            _version = version.Version;
            return;
        }

        RequestFetchLocked(force: false);
    });

    private Task RequestFetchLocked(bool force)
    {
        _fetchRequested = true;
        _forceRequested |= force;
        _doorbell.Writer.TryWrite(true);
        return _nextFetch.Task;
    }

    private async Task FetchLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            bool requested;
            bool forced;
            lock (_lock)
            {
                requested = _fetchRequested;
                forced = _forceRequested;
            }

            if (!requested)
            {
                await _doorbell.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            TimeSpan wait = _lastFetchStarted == 0 ? TimeSpan.Zero : _options.DedupeInterval - _time.GetElapsedTime(_lastFetchStarted);
            if (!forced && wait > TimeSpan.Zero)
            {
                await WaitForDoorbellAsync(wait, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await FetchAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitForDoorbellAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A forced request rings the doorbell and ends the wait; otherwise the interval runs out.
        using var elapsed = new CancellationTokenSource(timeout, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, elapsed.Token);
        try
        {
            await _doorbell.Reader.ReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval ran out.
        }
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource completion = null!;
        long target = 0;
        string? targetHash = null;
        OptimisticLayer[] released = [];
        Update(() =>
        {
            _fetchRequested = false;
            _forceRequested = false;
            completion = _currentFetch = _nextFetch;
            _nextFetch = NewCompletion();
            _fetching = true;
            target = _currentTarget = _latestVersion;
            targetHash = _latestHash;
            released = [.. _layers.Where(static layer => layer.Releasing)];
        });
        _lastFetchStarted = _time.GetTimestamp();

        try
        {
            T data = await _fetcher(cancellationToken).ConfigureAwait(false);
            Update(() =>
            {
                _fetched = data;
                _hasData = true;
                _dataDirty = true;
                _error = null;
                _version = target;
                _hash = targetHash;
                _expired = false;
                _fetching = false;
                RemoveLayersLocked(released);
                RestartTimerLocked(ref _staleTimer, _options.StaleTime, static state => ((SignalQuery<T>)state!).Expire());
                _retryTimer?.Dispose();
                _retryTimer = null;
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            completion.TrySetCanceled(cancellationToken);
            throw;
        }
        catch (Exception exception)
        {
            Update(() =>
            {
                _error = exception;
                _fetching = false;
                RemoveLayersLocked(released);
                RestartTimerLocked(ref _retryTimer, _options.ErrorRetryInterval, static state => ((SignalQuery<T>)state!).Retry());
            });
        }

        completion.TrySetResult();
    }

    /// <summary>Disposes <paramref name="timer"/> and, unless the query is disposed, starts a one-shot timer that calls
    /// <paramref name="callback"/> with the query after <paramref name="due"/> (no timer when <paramref name="due"/> is <see langword="null"/>).</summary>
    private void RestartTimerLocked(ref ITimer? timer, TimeSpan? due, TimerCallback callback)
    {
        timer?.Dispose();
        timer = due is { } delay && !_disposed.IsCancellationRequested ? _time.CreateTimer(callback, this, delay, Timeout.InfiniteTimeSpan) : null;
    }

    private void Expire() => Update(() => _expired = true);

    private void Retry() => Update(() => RequestFetchLocked(force: false));
}
