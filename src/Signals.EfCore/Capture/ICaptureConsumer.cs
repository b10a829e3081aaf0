namespace Signals.EntityFrameworkCore;

/// <summary>
/// A provider's reader of captured changes that arrive outside the writers' transactions (PostgreSQL's logical replication), which turns
/// them into outbox rows after they commit. The dispatcher runs it beside its read loop, for as long as it runs.
/// </summary>
/// <remarks>Failures are the consumer's own to log, report and retry: what it has not written yet, the database keeps for it.</remarks>
internal interface ICaptureConsumer
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is canceled, reconnecting after failures.</summary>
    /// <param name="cancellationToken">Stops the consumer.</param>
    /// <returns>A task that completes when the consumer stopped.</returns>
    Task RunAsync(CancellationToken cancellationToken);
}
