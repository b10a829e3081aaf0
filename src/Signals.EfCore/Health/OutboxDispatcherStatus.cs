namespace Signals.EntityFrameworkCore;

/// <summary>
/// What one outbox dispatcher is doing, for the health check: whether it loaded, its last read, and whether each of its wake-ups
/// (the PostgreSQL listener, Redis) is connected. Written by the dispatcher's loops, read by <see cref="SignalsDispatcherHealthCheck"/>;
/// thread-safe.
/// </summary>
/// <param name="context">The name of the context type the dispatcher serves.</param>
/// <param name="time">The clock.</param>
internal sealed class OutboxDispatcherStatus(string context, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<WakeupStatus> _wakeups = [];
    private string _kind = "starting";
    private bool _loaded;
    private DateTimeOffset? _readStartedAt;
    private DateTimeOffset? _lastReadAt;
    private Exception? _readError;
    private string? _schemaFixes;

    /// <summary>Gets the name of the context type the dispatcher serves.</summary>
    public string Context { get; } = context;

    /// <summary>Records which dispatcher runs.</summary>
    /// <param name="kind">The dispatcher kind.</param>
    public void Starting(string kind)
    {
        lock (_lock)
        {
            _kind = kind;
        }
    }

    /// <summary>Adds a wake-up to report on, disconnected until it reports otherwise.</summary>
    /// <param name="name">Its key in the health report's data (<c>{Context}.{name}</c>), e.g. <c>listening</c>, <c>redis</c>.</param>
    /// <param name="description">What it is, in a sentence of the report, e.g. <c>the PostgreSQL listener</c>.</param>
    /// <param name="required">
    /// Whether the dispatcher counts as degraded while it is disconnected: <see langword="true"/> for the provider's own wake-up,
    /// <see langword="false"/> for an accelerator (Redis), whose outage the safety poll covers.
    /// </param>
    /// <returns>The status to report to.</returns>
    public WakeupStatus AddWakeup(string name, string description, bool required)
    {
        var wakeup = new WakeupStatus(this, name, description, required);
        lock (_lock)
        {
            _wakeups.Add(wakeup);
        }

        return wakeup;
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
            _schemaFixes = null;
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

    /// <summary>Records a read that failed because the database lacks the Signals schema; cleared by the next successful read.</summary>
    /// <param name="error">The provider's error.</param>
    /// <param name="fixes">How to create the schema (<see cref="OutboxProvider.SchemaFixes"/>).</param>
    public void SchemaMissing(Exception error, string fixes)
    {
        lock (_lock)
        {
            _readStartedAt = null;
            _readError = error;
            _schemaFixes = fixes;
        }
    }

    /// <summary>Takes a consistent copy for a health report.</summary>
    /// <returns>The copy.</returns>
    public Snapshot Read()
    {
        lock (_lock)
        {
            return new Snapshot(
                Context,
                _kind,
                _loaded,
                [.. _wakeups.Select(static w => new WakeupSnapshot(w.Name, w.Description, w.Required, w.IsConnected, w.Error))],
                _readStartedAt,
                _lastReadAt,
                _readError,
                _schemaFixes,
                time.GetUtcNow());
        }
    }

    /// <summary>The connection state of one wake-up, reported by the wake-up itself.</summary>
    internal sealed class WakeupStatus
    {
        private readonly OutboxDispatcherStatus _owner;

        internal WakeupStatus(OutboxDispatcherStatus owner, string name, string description, bool required)
        {
            _owner = owner;
            Name = name;
            Description = description;
            Required = required;
        }

        /// <summary>Gets the wake-up's key in the report's data.</summary>
        public string Name { get; }

        /// <summary>Gets what the wake-up is, for the report's description.</summary>
        public string Description { get; }

        /// <summary>Gets a value indicating whether a disconnection degrades the dispatcher.</summary>
        public bool Required { get; }

        /// <summary>Gets a value indicating whether the wake-up is connected (read under the owner's lock).</summary>
        internal bool IsConnected { get; private set; }

        /// <summary>Gets why the wake-up is disconnected, if known (read under the owner's lock).</summary>
        internal Exception? Error { get; private set; }

        /// <summary>Records that the wake-up is connected, or that it lost its connection.</summary>
        /// <param name="connected">Whether it is connected now.</param>
        /// <param name="error">Why it is not, or <see langword="null"/>.</param>
        public void Connected(bool connected, Exception? error = null)
        {
            lock (_owner._lock)
            {
                IsConnected = connected;
                Error = connected ? null : error;
            }
        }
    }

    /// <summary>A consistent copy of one wake-up's state.</summary>
    /// <param name="Name">Its key in the report's data.</param>
    /// <param name="Description">What it is.</param>
    /// <param name="Required">Whether a disconnection degrades the dispatcher.</param>
    /// <param name="Connected">Whether it is connected.</param>
    /// <param name="Error">Why it is disconnected, or <see langword="null"/>.</param>
    internal sealed record WakeupSnapshot(string Name, string Description, bool Required, bool Connected, Exception? Error);

    /// <summary>A consistent copy of the status.</summary>
    /// <param name="Context">The context type's name.</param>
    /// <param name="Kind">The dispatcher kind.</param>
    /// <param name="Loaded">Whether the start-up load succeeded.</param>
    /// <param name="Wakeups">The state of each wake-up.</param>
    /// <param name="ReadStartedAt">When the read in progress started, or <see langword="null"/>.</param>
    /// <param name="LastReadAt">When the last read succeeded, or <see langword="null"/>.</param>
    /// <param name="ReadError">Why the last read failed, or <see langword="null"/> when it succeeded.</param>
    /// <param name="SchemaFixes">How to create the Signals schema while the database lacks it (the last read said so), else <see langword="null"/>.</param>
    /// <param name="Now">When the copy was taken.</param>
    internal sealed record Snapshot(
        string Context,
        string Kind,
        bool Loaded,
        IReadOnlyList<WakeupSnapshot> Wakeups,
        DateTimeOffset? ReadStartedAt,
        DateTimeOffset? LastReadAt,
        Exception? ReadError,
        string? SchemaFixes,
        DateTimeOffset Now);
}
