namespace Signals.EntityFrameworkCore;

/// <summary>
/// One way for instances to wake each other's dispatchers after commits (PostgreSQL <c>LISTEN/NOTIFY</c>, Redis pub/sub): it sends
/// one message per burst of this instance's commits (through an <see cref="OutboxWakeup"/> it opened on the
/// <see cref="OutboxSignaler"/>) and rings <see cref="OutboxSignaler.Wake"/> for every other instance's message and after every
/// (re)connect, so the read loop catches up on what it may have missed.
/// </summary>
/// <remarks>A message is only a hint; the outbox is the truth. Failures are the transport's own to log and retry.</remarks>
internal interface IOutboxWakeupTransport
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is canceled, reconnecting after failures.</summary>
    /// <param name="cancellationToken">Stops the transport.</param>
    /// <returns>A task that completes when the transport stopped.</returns>
    Task RunAsync(CancellationToken cancellationToken);
}
