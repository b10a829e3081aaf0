using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Runs the outbox retention of one dispatcher: every <see cref="SignalsOutboxOptions.CleanupInterval"/>, compacts and deletes rows
/// older than <see cref="SignalsOutboxOptions.RetentionPeriod"/> (in batches of <see cref="SignalsOutboxOptions.CleanupBatchSize"/>),
/// then moves the hub's <see cref="SignalHub.ResumeFloor"/> to the highest compacted version, whichever instance compacted it.
/// </summary>
/// <param name="source">The dispatcher's source.</param>
/// <param name="hub">
/// The hub whose resume floor to advance; <see langword="null"/> for the outbox of a namespace on a database of its own, whose versions
/// are on a line of their own that no resume floor follows.
/// </param>
/// <param name="options">The dispatcher's options.</param>
/// <param name="time">The clock that dates the cutoff.</param>
/// <param name="logger">The logger.</param>
/// <param name="isMissingSchema">
/// Tells a failure caused by a missing Signals schema, which the dispatcher reports once: the cleanup then fails quietly (Debug).
/// </param>
internal sealed class OutboxCleaner(
    IOutboxSource source, SignalHub? hub, SignalsOutboxOptions options, TimeProvider time, ILogger logger, Func<Exception, bool> isMissingSchema)
{
    /// <summary>Cleans up until <paramref name="cancellationToken"/> is canceled; failures are logged and retried at the next run.</summary>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that completes when the loop stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    if (isMissingSchema(exception))
                    {
                        Log.CleanupSkipped(logger, options.CleanupInterval);
                    }
                    else
                    {
                        Log.CleanupFailed(logger, options.CleanupInterval, exception);
                    }
                }

                await Task.Delay(options.CleanupInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (options.RetentionPeriod != Timeout.InfiniteTimeSpan)
        {
            DateTimeOffset cutoff = time.GetUtcNow() - options.RetentionPeriod;
            int total = 0;
            int deleted;
            do
            {
                deleted = await source.CleanupAsync(cutoff, options.CleanupBatchSize, cancellationToken).ConfigureAwait(false);
                total += deleted;
            }
            while (deleted == options.CleanupBatchSize);

            if (total > 0)
            {
                Log.CleanedUp(logger, total, cutoff);
            }
        }

        if (hub is not null)
        {
            hub.AdvanceResumeFloor(await source.ReadCompactedThroughAsync(cancellationToken).ConfigureAwait(false));
        }
    }
}
