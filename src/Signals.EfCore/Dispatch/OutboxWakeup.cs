using System.Globalization;
using System.Threading.Channels;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// One way of waking other instances after local commits (PostgreSQL <c>pg_notify</c>, Redis <c>PUBLISH</c>), opened with
/// <see cref="OutboxSignaler.OpenWakeup"/>: asked for after every commit, sent once per burst with the highest committed id, and
/// remembered, so the instance can tell its own wake-up from another instance's.
/// </summary>
/// <remarks>Thread-safe. Each way has its own pending request and last payload, so a slow or failing one never delays or confuses another.</remarks>
internal sealed class OutboxWakeup
{
    private static readonly TimeSpan FailureDelay = TimeSpan.FromMilliseconds(100);

    private readonly OutboxSignaler _signaler;
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(OutboxSignaler.SingleSlot);
    private long _lastSent;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="signaler">The signaler whose commits it reports.</param>
    internal OutboxWakeup(OutboxSignaler signaler) => _signaler = signaler;

    /// <summary>Gets the pending requests: at most one, standing for every commit before it.</summary>
    public ChannelReader<bool> Requests => _requests.Reader;

    /// <summary>Asks for a wake-up; merges with one already pending.</summary>
    internal void Request() => _requests.Writer.TryWrite(true);

    /// <summary>Takes the payload of the next wake-up: the signaler's highest committed id, remembered as this instance's own.</summary>
    /// <returns>The highest committed id, in invariant digits.</returns>
    public string TakePayload()
    {
        long highest = _signaler.HighestCommitted;
        Volatile.Write(ref _lastSent, highest);
        return highest.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Tells whether a received wake-up is this instance's own latest one, which needs no read: the commit it reports rang the local
    /// doorbell before it was sent. Outbox ids are unique, so no other instance of the same database sends the same (non-zero) id.
    /// </summary>
    /// <param name="payload">The received payload.</param>
    /// <returns><see langword="true"/> for this instance's own latest wake-up.</returns>
    public bool IsOwn(string? payload)
        => long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id != 0 && id == Volatile.Read(ref _lastSent);

    /// <summary>
    /// Sends one wake-up per burst of requests until <paramref name="cancellationToken"/> is canceled. A failed send is reported to
    /// <paramref name="failed"/> and the next one waits 100 ms; the other instances' safety poll still delivers the change.
    /// </summary>
    /// <param name="send">Sends a payload to the other instances.</param>
    /// <param name="failed">Reports a failed send.</param>
    /// <param name="cancellationToken">Stops sending.</param>
    /// <returns>A task that completes when sending stopped.</returns>
    public async Task SendAsync(Func<string, CancellationToken, Task> send, Action<Exception> failed, CancellationToken cancellationToken)
    {
        try
        {
            while (await _requests.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _requests.Reader.TryRead(out _);
                try
                {
                    await send(TakePayload(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    failed(exception);
                    await Task.Delay(FailureDelay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
