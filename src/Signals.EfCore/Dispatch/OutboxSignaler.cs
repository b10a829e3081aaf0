using System.Globalization;
using System.Threading.Channels;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The in-process link between the interceptor and the dispatcher of one context type: a doorbell that wakes the dispatcher's
/// read loop, and a coalescing request for one cross-instance wake-up (<c>pg_notify</c>) whose payload names this instance.
/// </summary>
/// <remarks>Thread-safe. Both channels hold at most one pending item, so any burst of saves costs at most one read and one notify.</remarks>
internal sealed class OutboxSignaler
{
    private static readonly BoundedChannelOptions SingleSlot = new(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true };

    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(SingleSlot);
    private readonly Channel<bool> _notify = Channel.CreateBounded<bool>(SingleSlot);
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

    /// <summary>Gets the requests to send a cross-instance wake-up; each one stands for every commit before it.</summary>
    public ChannelReader<bool> NotifyRequests => _notify.Reader;

    /// <summary>Reports that outbox rows committed: wakes the local dispatcher and asks for a notify.</summary>
    public void OnCommitted()
    {
        Interlocked.Increment(ref _commits);
        _doorbell.Writer.TryWrite(true);
        _notify.Writer.TryWrite(true);
    }

    /// <summary>
    /// Tells whether a notification is one of this instance's own wake-ups, which need no read: every commit one reports rang the
    /// local doorbell before it was sent, and the dispatcher reads after every ring.
    /// </summary>
    /// <param name="payload">The notification's payload.</param>
    /// <returns><see langword="true"/> for this instance's own notifications.</returns>
    public bool IsOwnNotification(string payload) => string.Equals(payload, NotificationPayload, StringComparison.Ordinal);

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
