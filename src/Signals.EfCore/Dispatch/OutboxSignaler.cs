using System.Globalization;
using System.Threading.Channels;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The in-process link between the interceptor and the dispatcher of one context type: a doorbell that wakes the dispatcher's
/// read loop, and a coalescing request for one cross-instance wake-up (<c>pg_notify</c>) carrying the highest committed id.
/// </summary>
/// <remarks>Thread-safe. Both channels hold at most one pending item, so any burst of saves costs at most one read and one notify.</remarks>
internal sealed class OutboxSignaler
{
    private static readonly BoundedChannelOptions SingleSlot = new(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true };

    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(SingleSlot);
    private readonly Channel<bool> _notify = Channel.CreateBounded<bool>(SingleSlot);
    private long _highestCommitted;
    private long _lastNotified;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="contextType">The context type whose saves this signaler reports.</param>
    public OutboxSignaler(Type contextType) => ContextType = contextType;

    /// <summary>Gets the context type whose saves this signaler reports.</summary>
    public Type ContextType { get; }

    /// <summary>Gets the highest outbox id this application has seen commit (0 for none).</summary>
    public long HighestCommitted => Volatile.Read(ref _highestCommitted);

    /// <summary>Gets the requests to send a cross-instance wake-up; each one stands for every commit before it.</summary>
    public ChannelReader<bool> NotifyRequests => _notify.Reader;

    /// <summary>Reports that outbox rows up to <paramref name="highestId"/> committed: wakes the local dispatcher and asks for a notify.</summary>
    /// <param name="highestId">The highest id of the committed rows.</param>
    public void OnCommitted(long highestId)
    {
        long current = Volatile.Read(ref _highestCommitted);
        while (highestId > current)
        {
            long seen = Interlocked.CompareExchange(ref _highestCommitted, highestId, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        _doorbell.Writer.TryWrite(true);
        _notify.Writer.TryWrite(true);
    }

    /// <summary>Takes the payload of the next wake-up notification: <see cref="HighestCommitted"/>, remembered as this instance's own.</summary>
    /// <returns>The highest committed id, in invariant digits.</returns>
    public string TakeNotificationPayload()
    {
        long highest = HighestCommitted;
        Volatile.Write(ref _lastNotified, highest);
        return highest.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Tells whether a notification is this instance's own latest wake-up, which needs no read: the commit it reports rang the local
    /// doorbell before the notification was sent. Outbox ids are unique, so no other instance reports the same (non-zero) id.
    /// </summary>
    /// <param name="payload">The notification's payload.</param>
    /// <returns><see langword="true"/> for this instance's own latest notification.</returns>
    public bool IsOwnNotification(string payload)
        => long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id != 0 && id == Volatile.Read(ref _lastNotified);

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
