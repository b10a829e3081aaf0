using System.Globalization;
using System.Threading.Channels;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The in-process link between the interceptor and the dispatcher of one context type: a doorbell that wakes the dispatcher's
/// read loop, and a coalescing request for each cross-instance wake-up (<see cref="OutboxWakeup"/>: <c>pg_notify</c>, Redis) whose
/// payload names this instance.
/// </summary>
/// <remarks>Thread-safe. Every channel holds at most one pending item, so any burst of saves costs at most one read and one wake-up of each kind.</remarks>
internal sealed class OutboxSignaler
{
    /// <summary>A channel of at most one pending item that drops further writes: a burst merges into one.</summary>
    internal static readonly BoundedChannelOptions SingleSlot = new(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true };

    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(SingleSlot);
    private readonly Lock _wakeupsLock = new();
    private OutboxWakeup[] _wakeups = [];
    private long _commits;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="contextType">The context type whose saves this signaler reports.</param>
    public OutboxSignaler(Type contextType) => ContextType = contextType;

    /// <summary>Gets the context type whose saves this signaler reports.</summary>
    public Type ContextType { get; }

    /// <summary>Gets how many commits with outbox rows this application has reported (<see cref="OnCommitted"/> calls).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>
    /// Gets the payload of this instance's wake-up notifications: a random token, so the listener recognizes its own notifications
    /// (<see cref="IsOwnNotification"/>) and other instances see only that someone committed.
    /// </summary>
    public string NotificationPayload { get; } = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);

    /// <summary>Opens a cross-instance wake-up: from now on every commit asks it for one. Open one per sender, for the dispatcher's lifetime.</summary>
    /// <returns>The wake-up, to send from and to recognize this instance's own messages with.</returns>
    public OutboxWakeup OpenWakeup()
    {
        var wakeup = new OutboxWakeup(this);
        lock (_wakeupsLock)
        {
            Volatile.Write(ref _wakeups, [.. _wakeups, wakeup]);
        }

        return wakeup;
    }

    /// <summary>Reports that outbox rows committed: wakes the local dispatcher and asks every open wake-up for one.</summary>
    public void OnCommitted()
    {
        Interlocked.Increment(ref _commits);
        _doorbell.Writer.TryWrite(true);
        foreach (OutboxWakeup wakeup in Volatile.Read(ref _wakeups))
        {
            wakeup.Request();
        }
    }

    /// <summary>
    /// Tells whether a received wake-up (a <c>pg_notify</c> payload, a Redis message) is one of this instance's own, sent by any of its
    /// <see cref="OutboxWakeup"/>s, which needs no read: every commit one reports rang the local doorbell before it was sent, and the
    /// dispatcher reads after every ring.
    /// </summary>
    /// <param name="payload">The received payload; <see langword="null"/> (a Redis null message) is never this instance's.</param>
    /// <returns><see langword="true"/> for this instance's own wake-ups.</returns>
    public bool IsOwnNotification(string? payload) => string.Equals(payload, NotificationPayload, StringComparison.Ordinal);

    /// <summary>Wakes the local dispatcher's read loop (e.g. on a notification from another instance).</summary>
    public void Wake() => _doorbell.Writer.TryWrite(true);

    /// <summary>Waits until the dispatcher is woken or <paramref name="timeout"/> elapses.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when woken or timed out.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_doorbell.Reader.TryRead(out _))
        {
            return;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _doorbell.Reader.WaitToReadAsync(timeoutSource.Token).ConfigureAwait(false);
            _doorbell.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval elapsed.
        }
    }
}
