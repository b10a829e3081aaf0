using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Signals.Client;

/// <summary>
/// A live query (the analogue of Reality's <c>useReality</c>): data the app loads with its own fetcher, refetched only when the
/// key's version changes — never on a timer, never for other keys.
/// </summary>
/// <typeparam name="T">The data type.</typeparam>
/// <remarks>
/// <para>On creation the query asks for the key's current version, fetches, and watches the key (<see cref="ISignalsClient.WatchAsync"/>).
/// A newer version triggers a refetch, unless its hash equals the hash of the data's version (same content); a failed fetch is retried
/// after <see cref="SignalQueryOptions{T}.ErrorRetryInterval"/>. One fetch runs at a
/// time; versions and <see cref="InvalidateAsync"/> calls that arrive during a fetch are coalesced into one refetch after it, and
/// <see cref="SignalQueryOptions{T}.DedupeInterval"/> spaces version-driven refetches further.</para>
/// <para>Changes are told as <see cref="SignalObservableObject.PropertyChanged"/> (one per changed property) followed by one
/// <see cref="SignalObservableObject.Changed"/>, raised on the <see cref="SynchronizationContext"/> current when the query was created (a UI thread,
/// Blazor's renderer) or, without one, on the thread that made the change; and as an <see cref="IAsyncEnumerable{T}"/>
/// (<see cref="WatchAsync"/>). Handlers must not throw.</para>
/// <para>Optimistic updates (<see cref="ApplyOptimisticUpdate"/>, or a <see cref="SignalMutation{TArgument, TResult}"/>) are layers over
/// the fetched data: they stay on top of refetched data until rolled back or released. Thread-safe; dispose to stop watching.</para>
/// </remarks>
public sealed partial class SignalQuery<T> : SignalObservableObject, ISignalQuery
{
    private readonly ISignalsClient _client;
    private readonly Func<CancellationToken, Task<T>> _fetcher;
    private readonly SignalQueryOptions<T> _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _lock = new();
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<Channel<T>> _readers = [];
    private readonly List<OptimisticLayer> _layers = [];
    private readonly Task _running;

    // Guarded by _lock.
    private T? _fetched;
    private bool _hasData;
    private T? _data;
    private bool _dataDirty;
    private Exception? _error;
    private long _version;
    private string? _hash;
    private long _latestVersion;
    private string? _latestHash;
    private bool _expired;
    private bool _fetching;
    private int _syncing;
    private bool _fetchRequested = true;
    private bool _forceRequested = true;
    private TaskCompletionSource _nextFetch = NewCompletion();
    private TaskCompletionSource? _currentFetch;
    private long _currentTarget;
    private long _lastFetchStarted;
    private ITimer? _staleTimer;
    private ITimer? _retryTimer;

    /// <summary>Starts a live query of one key.</summary>
    /// <param name="client">Watches the key: the HTTP <see cref="SignalsClient"/> or the <see cref="EmbeddedSignalsClient"/>.</param>
    /// <param name="key">The key whose version the data follows.</param>
    /// <param name="fetcher">Loads the app's data, e.g. from its own API; called once at a time, with a token canceled on disposal.</param>
    /// <param name="options">The query options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="fetcher"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SignalQueryOptions{T}.StaleTime"/> or
    /// <see cref="SignalQueryOptions{T}.ErrorRetryInterval"/> is not positive, or <see cref="SignalQueryOptions{T}.DedupeInterval"/> is negative.</exception>
    public SignalQuery(ISignalsClient client, SignalKey key, Func<CancellationToken, Task<T>> fetcher, SignalQueryOptions<T>? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(fetcher);
        SignalKey.ThrowIfDefault(key);
        _options = options ?? new SignalQueryOptions<T>();
        if (_options.StaleTime is { } staleTime)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(staleTime, TimeSpan.Zero, "options.StaleTime");
        }

        if (_options.ErrorRetryInterval is { } retry)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retry, TimeSpan.Zero, "options.ErrorRetryInterval");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(_options.DedupeInterval, TimeSpan.Zero, "options.DedupeInterval");
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, "options.TimeProvider");

        _client = client;
        Key = key;
        _fetcher = fetcher;
        _time = _options.TimeProvider;
        _data = _options.FallbackValue;
        _running = Task.Run(() => RunAsync(_disposed.Token));
    }

    /// <inheritdoc/>
    public SignalKey Key { get; }

    /// <summary>Gets the data: the last fetched data with the optimistic updates on top, or <see cref="SignalQueryOptions{T}.FallbackValue"/>
    /// until the first fetch succeeds. A failed refetch keeps the previous data.</summary>
    public T? Data
    {
        get
        {
            lock (_lock)
            {
                return _data;
            }
        }
    }

    /// <summary>Gets the error of the last fetch, or of the watch when it gave up (e.g. the server refused the key); <see langword="null"/>
    /// after a successful fetch.</summary>
    public Exception? Error
    {
        get
        {
            lock (_lock)
            {
                return _error;
            }
        }
    }

    /// <summary>Gets whether the query has no data yet and is fetching it.</summary>
    public bool IsLoading
    {
        get
        {
            lock (_lock)
            {
                return IsLoadingLocked;
            }
        }
    }

    /// <summary>Gets whether a fetch or a <see cref="SyncAsync"/> is in progress.</summary>
    public bool IsSyncing
    {
        get
        {
            lock (_lock)
            {
                return IsSyncingLocked;
            }
        }
    }

    /// <inheritdoc/>
    public bool IsStale
    {
        get
        {
            lock (_lock)
            {
                return IsStaleLocked;
            }
        }
    }

    /// <inheritdoc/>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>Gets the newest version of the key the query has heard of: greater than <see cref="Version"/> while a refetch is due.</summary>
    public long LatestVersion
    {
        get
        {
            lock (_lock)
            {
                return _latestVersion;
            }
        }
    }

    private bool IsLoadingLocked => !_hasData && (_fetching || _fetchRequested);

    private bool IsSyncingLocked => _fetching || _syncing > 0;

    private bool IsStaleLocked => _hasData && (_latestVersion > _version || _expired);

    /// <summary>Asks the server for the key's version now (e.g. when a window regains focus) and refetches when the data is stale:
    /// the version moved, or <see cref="SignalQueryOptions{T}.StaleTime"/> passed.</summary>
    /// <param name="cancellationToken">Stops waiting (the refetch itself goes on).</param>
    /// <returns>A task that completes when the data is current. A failed fetch does not throw: see <see cref="Error"/>.</returns>
    /// <exception cref="HttpRequestException">The server could not be asked (the HTTP client).</exception>
    /// <exception cref="ObjectDisposedException">The query was disposed.</exception>
    public async Task SyncAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        Update(() => _syncing++);
        try
        {
            long known = LatestVersion;
            foreach (SignalVersion version in await _client.SyncAsync(new Dictionary<SignalKey, long> { [Key] = known }, TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
            {
                OnVersion(version);
            }

            Task? fetch = null;
            lock (_lock)
            {
                if (_fetching && _currentTarget == _latestVersion && !_expired)
                {
                    fetch = _currentFetch!.Task;
                }
                else if (!_hasData || IsStaleLocked)
                {
                    fetch = RequestFetchLocked(force: true);
                }
            }

            if (fetch is not null)
            {
                await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Update(() => _syncing--);
        }
    }

    /// <summary>Refetches whatever the version (e.g. after the app changed data that has no signal).</summary>
    /// <param name="cancellationToken">Stops waiting (the refetch itself goes on).</param>
    /// <returns>A task that completes when a fetch that started after this call has finished. A failed fetch does not throw: see <see cref="Error"/>.</returns>
    /// <exception cref="ObjectDisposedException">The query was disposed.</exception>
    public Task InvalidateAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        Task fetch;
        lock (_lock)
        {
            fetch = RequestFetchLocked(force: true);
        }

        return fetch.WaitAsync(cancellationToken);
    }

    /// <summary>Yields the data now (once loaded) and after every change of it (refetches, optimistic updates and their rollbacks);
    /// a slow reader skips to the latest data. Ends when the query is disposed.</summary>
    /// <param name="cancellationToken">Ends the enumeration (throwing <see cref="OperationCanceledException"/>).</param>
    /// <returns>The data, as it changes.</returns>
    public async IAsyncEnumerable<T> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = Channel.CreateBounded<T>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                yield break;
            }

            _readers.Add(reader);
            if (_hasData)
            {
                reader.Writer.TryWrite(_data!);
            }
        }

        try
        {
            while (await reader.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.Reader.TryRead(out T? data))
                {
                    yield return data;
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _readers.Remove(reader);
            }
        }
    }

    /// <summary>Stops watching and fetching, and ends every <see cref="WatchAsync"/> enumeration.</summary>
    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        lock (_lock)
        {
            foreach (Channel<T> reader in _readers)
            {
                reader.Writer.TryComplete();
            }

            _staleTimer?.Dispose();
            _retryTimer?.Dispose();
            _nextFetch.TrySetCanceled(_disposed.Token);
        }
    }

    /// <summary>Stops watching and fetching (see <see cref="Dispose"/>) and waits until the background work has ended.</summary>
    /// <returns>A task that completes when the query has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Changes the state under the lock, then tells readers and handlers what changed.</summary>
    private void Update(Action change)
    {
        List<string> changed = [];
        lock (_lock)
        {
            (T? data, bool hadData, Exception? error, bool loading, bool syncing, bool stale, long version, long latest) =
                (_data, _hasData, _error, IsLoadingLocked, IsSyncingLocked, IsStaleLocked, _version, _latestVersion);
            change();
            RecomputeDataLocked();

            bool dataChanged = !EqualityComparer<T?>.Default.Equals(data, _data) || hadData != _hasData;
            AddIf(changed, dataChanged, nameof(Data));
            AddIf(changed, !ReferenceEquals(error, _error), nameof(Error));
            AddIf(changed, loading != IsLoadingLocked, nameof(IsLoading));
            AddIf(changed, syncing != IsSyncingLocked, nameof(IsSyncing));
            AddIf(changed, stale != IsStaleLocked, nameof(IsStale));
            AddIf(changed, version != _version, nameof(Version));
            AddIf(changed, latest != _latestVersion, nameof(LatestVersion));
            if (dataChanged && _hasData)
            {
                foreach (Channel<T> reader in _readers)
                {
                    reader.Writer.TryWrite(_data!);
                }
            }
        }

        RaiseChanged(changed);
    }

    private static void AddIf(List<string> names, bool condition, string name)
    {
        if (condition)
        {
            names.Add(name);
        }
    }
}
