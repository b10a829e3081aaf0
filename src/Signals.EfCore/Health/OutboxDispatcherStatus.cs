namespace Signals.EntityFrameworkCore;

/// <summary>
/// What one outbox dispatcher is doing, for the health check: whether it loaded, its last read, whether its PostgreSQL listener and
/// its Redis wake-ups are connected. Written by the dispatcher's loops, read by <see cref="SignalsDispatcherHealthCheck"/>; thread-safe.
/// </summary>
/// <param name="context">The name of the context type the dispatcher serves.</param>
/// <param name="time">The clock.</param>
internal sealed class OutboxDispatcherStatus(string context, TimeProvider time)
{
    private readonly Lock _lock = new();
    private string _kind = "starting";
    private bool _loaded;
    private bool? _listening;
    private bool? _redisConnected;
    private DateTimeOffset? _readStartedAt;
    private DateTimeOffset? _lastReadAt;
    private Exception? _readError;
    private Exception? _listenerError;

    /// <summary>Gets the name of the context type the dispatcher serves.</summary>
    public string Context { get; } = context;

    /// <summary>Records which dispatcher runs.</summary>
    /// <param name="kind">The dispatcher kind.</param>
    /// <param name="listens">Whether it keeps a PostgreSQL listener (reported disconnected until it connects).</param>
    public void Starting(string kind, bool listens)
    {
        lock (_lock)
        {
            _kind = kind;
            _listening = listens ? false : null;
        }
    }

    /// <summary>Records that a read starts.</summary>
    public void ReadStarting()
    {
        lock (_lock)
        {
            _readStartedAt = time.GetUtcNow();
        }
    }

    /// <summary>Records a successful read.</summary>
    public void ReadSucceeded()
    {
        lock (_lock)
        {
            _loaded = true;
            _readStartedAt = null;
            _lastReadAt = time.GetUtcNow();
            _readError = null;
        }
    }

    /// <summary>Records a failed read.</summary>
    /// <param name="error">Why it failed.</param>
    public void ReadFailed(Exception error)
    {
        lock (_lock)
        {
            _readStartedAt = null;
            _readError = error;
        }
    }

    /// <summary>Records that the listener is connected and listening, or that it lost its connection.</summary>
    /// <param name="listening">Whether it listens now.</param>
    /// <param name="error">Why it does not, or <see langword="null"/>.</param>
    public void Listener(bool listening, Exception? error = null)
    {
        lock (_lock)
        {
            _listening = listening;
            _listenerError = error;
        }
    }

    /// <summary>Records whether the Redis wake-ups (<see cref="SignalsOutboxOptions.RedisConfiguration"/>) are connected.</summary>
    /// <param name="connected">Whether the Redis subscription is connected now.</param>
    public void Redis(bool connected)
    {
        lock (_lock)
        {
            _redisConnected = connected;
        }
    }

    /// <summary>Takes a consistent copy for a health report.</summary>
    /// <returns>The copy.</returns>
    public Snapshot Read()
    {
        lock (_lock)
        {
            return new Snapshot(Context, _kind, _loaded, _listening, _readStartedAt, _lastReadAt, _readError, _listenerError, _redisConnected, time.GetUtcNow());
        }
    }

    /// <summary>A consistent copy of the status.</summary>
    /// <param name="Context">The context type's name.</param>
    /// <param name="Kind">The dispatcher kind.</param>
    /// <param name="Loaded">Whether the start-up load succeeded.</param>
    /// <param name="Listening">Whether the listener is connected; <see langword="null"/> when the dispatcher has none.</param>
    /// <param name="ReadStartedAt">When the read in progress started, or <see langword="null"/>.</param>
    /// <param name="LastReadAt">When the last read succeeded, or <see langword="null"/>.</param>
    /// <param name="ReadError">Why the last read failed, or <see langword="null"/> when it succeeded.</param>
    /// <param name="ListenerError">Why the listener is disconnected, or <see langword="null"/>.</param>
    /// <param name="RedisConnected">Whether the Redis wake-ups are connected; <see langword="null"/> when the dispatcher uses none.</param>
    /// <param name="Now">When the copy was taken.</param>
    internal sealed record Snapshot(
        string Context,
        string Kind,
        bool Loaded,
        bool? Listening,
        DateTimeOffset? ReadStartedAt,
        DateTimeOffset? LastReadAt,
        Exception? ReadError,
        Exception? ListenerError,
        bool? RedisConnected,
        DateTimeOffset Now);
}
