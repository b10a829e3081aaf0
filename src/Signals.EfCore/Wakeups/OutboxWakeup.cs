using System.Threading.Channels;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// One way of waking other instances after local commits (PostgreSQL <c>pg_notify</c>, Redis <c>PUBLISH</c>), opened with
/// <see cref="OutboxSignaler.OpenWakeup"/>: asked for after every commit and sent once per burst, with the instance's token as its
/// payload (<see cref="OutboxSignaler.NotificationPayload"/>), so the instance can tell its own wake-ups from another instance's.
/// </summary>
/// <remarks>Thread-safe. Each way has its own pending request, so a slow or failing one never delays another.</remarks>
internal sealed class OutboxWakeup
{
    private static readonly TimeSpan FailureDelay = TimeSpan.FromMilliseconds(100);

    private readonly OutboxSignaler _signaler;
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(OutboxSignaler.SingleSlot);

    /// <summary>Initializes a new instance.</summary>
    /// <param name="signaler">The signaler whose commits it reports.</param>
    internal OutboxWakeup(OutboxSignaler signaler) => _signaler = signaler;

    /// <summary>Gets the pending requests: at most one, standing for every commit before it.</summary>
    public ChannelReader<bool> Requests => _requests.Reader;

    /// <summary>Asks for a wake-up; merges with one already pending.</summary>
    internal void Request() => _requests.Writer.TryWrite(true);

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
                    await send(_signaler.NotificationPayload, cancellationToken).ConfigureAwait(false);
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
