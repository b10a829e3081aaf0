namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Whether another Signals listener may be on the channel, learned from the channel itself: every listener announces itself
/// (<see cref="AnnouncementOf"/>) when it starts listening and every <see cref="AnnouncementInterval"/> after that. An instance whose
/// listener heard no other instance's announcement for <see cref="PeerTimeout"/> sends no wake-ups: nobody would read them, and
/// PostgreSQL would still run a transaction for each and deliver it to the sender's own listener.
/// </summary>
/// <remarks>
/// <para>
/// Nothing is lost by that: a wake-up is only a hint, and an instance that starts listening reads the outbox at once. What the rule
/// must not do is leave a newcomer waiting for its safety poll, so it errs towards sending:
/// </para>
/// <list type="bullet">
/// <item>While this instance's own listener is not connected it cannot hear announcements, so peers are assumed.</item>
/// <item>For <see cref="PeerTimeout"/> after it (re)connects peers are assumed too: a newcomer's commits are announced until the
/// instances already there have had time to announce themselves.</item>
/// <item>An announcement that ends a time without peers (<see cref="Announced"/> returns <see langword="true"/>) makes the listener
/// send one wake-up: it reaches the newcomer after every commit whose wake-up was skipped, so the newcomer reads them at once.</item>
/// </list>
/// <para>Thread-safe: the listener writes, the notifier reads. Times are this process's monotonic clock, never a peer's.</para>
/// </remarks>
internal sealed class ListenerPresence
{
    /// <summary>What an announcement's payload ends with, after the announcing instance's token.</summary>
    public const string AnnouncementSuffix = ":listening";

    /// <summary>A timestamp that is not one: the listener is not connected, or no other instance was heard yet.</summary>
    private const long None = long.MinValue;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _connectedAt = None;
    private long _peerHeardAt = None;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="listenerTimeout">The listener's timeout (<see cref="SignalsPostgreSqlOptions.ListenerTimeout"/>), from which both intervals derive.</param>
    /// <param name="time">The clock.</param>
    public ListenerPresence(TimeSpan listenerTimeout, TimeProvider time)
    {
        AnnouncementInterval = listenerTimeout / 2;
        PeerTimeout = listenerTimeout * 2;
        _time = time;
    }

    /// <summary>Gets how often a connected listener announces itself: half the listener timeout (2.5 s by default).</summary>
    public TimeSpan AnnouncementInterval { get; }

    /// <summary>Gets how long without another instance's announcement makes this instance alone: twice the listener timeout (10 s by default), four announcement intervals.</summary>
    public TimeSpan PeerTimeout { get; }

    /// <summary>Gets a value indicating whether another instance may be listening, so wake-ups are worth sending.</summary>
    public bool PeersMayListen
    {
        get
        {
            lock (_lock)
            {
                return MayListen();
            }
        }
    }

    /// <summary>The payload of an instance's announcement.</summary>
    /// <param name="token">The instance's token (<see cref="OutboxSignaler.NotificationPayload"/>).</param>
    /// <returns><c>{token}:listening</c>.</returns>
    public static string AnnouncementOf(string token) => token + AnnouncementSuffix;

    /// <summary>Tells whether a payload is an announcement (of any instance).</summary>
    /// <param name="payload">A notification's payload.</param>
    /// <returns><see langword="true"/> when it ends with <see cref="AnnouncementSuffix"/>.</returns>
    public static bool IsAnnouncement(string payload) => payload.EndsWith(AnnouncementSuffix, StringComparison.Ordinal);

    /// <summary>Records that this instance's listener (re)connected and listens: peers are assumed for <see cref="PeerTimeout"/>.</summary>
    public void Connected()
    {
        lock (_lock)
        {
            _connectedAt = _time.GetTimestamp();
        }
    }

    /// <summary>Records that this instance's listener lost its connection: peers are assumed until it listens again.</summary>
    public void Disconnected()
    {
        lock (_lock)
        {
            _connectedAt = None;
        }
    }

    /// <summary>Records another instance's announcement.</summary>
    /// <returns>
    /// <see langword="true"/> when it ends a time without peers: wake-ups were skipped, and one must be sent now for the newcomer.
    /// </returns>
    public bool Announced()
    {
        lock (_lock)
        {
            bool alone = !MayListen();
            _peerHeardAt = _time.GetTimestamp();
            return alone;
        }
    }

    /// <summary>The rule of <see cref="PeersMayListen"/>, under the lock.</summary>
    private bool MayListen() => _connectedAt == None || Recent(_connectedAt) || Recent(_peerHeardAt);

    private bool Recent(long timestamp) => timestamp != None && _time.GetElapsedTime(timestamp) < PeerTimeout;
}
