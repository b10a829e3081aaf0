using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// What a dispatcher does when its reads fail because the database lacks the Signals schema: it logs that once, with the fixes (the
/// retries at Debug), makes the health check Unhealthy (<see cref="OutboxDispatcherStatus.SchemaMissing"/>) and the endpoints answer 503
/// (<see cref="SignalSourceStatus"/>); the first successful read undoes both and logs the recovery once. Used by the read loop only.
/// </summary>
/// <param name="provider">Tells the provider's missing-schema errors, and how to create the schema.</param>
/// <param name="sources">The endpoints' view of the hub's sources.</param>
/// <param name="status">The dispatcher's status, for the health check.</param>
/// <param name="source">The dispatcher's name among the sources (its options name).</param>
/// <param name="context">The context type's name, for the log.</param>
/// <param name="retryAfter">The longest wait between reads (<see cref="SignalsOutboxOptions.MaxRetryDelay"/>), for <c>Retry-After</c>.</param>
/// <param name="logger">The dispatcher's logger.</param>
internal sealed class MissingSchemaReport(
    OutboxProvider provider, SignalSourceStatus sources, OutboxDispatcherStatus status, string source, string context, TimeSpan retryAfter, ILogger logger)
{
    private bool _missing;

    /// <summary>Reports a failed read if the schema is missing.</summary>
    /// <param name="exception">Why the read failed.</param>
    /// <param name="delay">When the dispatcher reads again.</param>
    /// <returns><see langword="true"/> when the failure was a missing schema (reported); <see langword="false"/> for any other failure.</returns>
    public bool Reported(Exception exception, TimeSpan delay)
    {
        if (!provider.IsMissingSchema(exception))
        {
            return false;
        }

        // The endpoints first, then the health check: whoever sees the health check report it finds the endpoints answering 503.
        if (!_missing)
        {
            _missing = true;
            sources.ReportUnavailable(source, retryAfter);
            Log.SchemaMissing(logger, context, exception.GetBaseException().Message, provider.SchemaFixes, retryAfter);
        }
        else
        {
            Log.SchemaStillMissing(logger, context, delay);
        }

        status.SchemaMissing(exception, provider.SchemaFixes);
        return true;
    }

    /// <summary>Undoes a report after a successful read; call it before <see cref="OutboxDispatcherStatus.ReadSucceeded"/>.</summary>
    public void ReadSucceeded()
    {
        if (_missing)
        {
            _missing = false;
            sources.ReportAvailable(source);
            Log.SchemaFound(logger, context);
        }
    }
}
