using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore;

/// <summary>Log messages of the dispatchers (event ids 100-199; 103-105 and 109-111 belong to the PostgreSQL and Redis packages).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Signals outbox dispatcher for {Context} started ({Dispatcher}).")]
    public static partial void DispatcherStarted(ILogger logger, string context, string dispatcher);

    [LoggerMessage(101, LogLevel.Warning, "Reading the Signals outbox failed; retrying in {Delay}.")]
    public static partial void ReadFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(102, LogLevel.Warning, "Skipping outbox row {Id}: its key is not a valid signal key ({Error}).")]
    public static partial void InvalidKey(ILogger logger, long id, string error);

    [LoggerMessage(106, LogLevel.Information, "Signals outbox dispatcher for {Context} published {Versions} key versions at start; settled cursor {Settled}.")]
    public static partial void Loaded(ILogger logger, string context, int versions, long settled);

    [LoggerMessage(107, LogLevel.Information, "Compacted and removed {Rows} Signals outbox rows staged before {Cutoff}.")]
    public static partial void CleanedUp(ILogger logger, int rows, DateTimeOffset cutoff);

    [LoggerMessage(108, LogLevel.Warning, "The Signals outbox cleanup failed; it runs again in {Delay}.")]
    public static partial void CleanupFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(118, LogLevel.Warning,
        "Skipping outbox row {Id} of {Context}: its key '{Key}' is on the version line of {Line}, not of this outbox (a row written by hand or " +
        "by a capture trigger of an entity declared in another namespace); write it through the context of its namespace.")]
    public static partial void OtherLine(ILogger logger, long id, string context, string key, string line);

    [LoggerMessage(112, LogLevel.Information, "Announced {Count} keys again: their changes committed after a newer version of the key had been published.")]
    public static partial void Reannounced(ILogger logger, int count);

    [LoggerMessage(113, LogLevel.Error,
        "The database of {Context} lacks the Signals schema ({Error}). Create it: {Fixes}. Until then the Signals endpoints answer 503 " +
        "and the health check is Unhealthy; the dispatcher retries every {Delay} at most and recovers by itself.")]
    public static partial void SchemaMissing(ILogger logger, string context, string error, string fixes, TimeSpan delay);

    [LoggerMessage(117, LogLevel.Error,
        "{Error} Fix it: {Fixes}. Until then the Signals endpoints of {Context} answer 503 and the health check is Unhealthy; the dispatcher " +
        "checks again every {Delay} at most and recovers by itself.")]
    public static partial void CaptureMismatch(ILogger logger, string context, string error, string fixes, TimeSpan delay);

    [LoggerMessage(114, LogLevel.Information, "The Signals schema of {Context} exists now: the dispatcher reads again and the endpoints serve.")]
    public static partial void SchemaFound(ILogger logger, string context);

    [LoggerMessage(116, LogLevel.Debug, "The Signals outbox cleanup skipped: the schema is missing; it runs again in {Delay}.")]
    public static partial void CleanupSkipped(ILogger logger, TimeSpan delay);

    [LoggerMessage(115, LogLevel.Debug, "The Signals schema of {Context} is still missing; retrying in {Delay}.")]
    public static partial void SchemaStillMissing(ILogger logger, string context, TimeSpan delay);

    [LoggerMessage(125, LogLevel.Warning,
        "The Signals table {Table} of {Context} is missing (apply the migration that adds it): cursors carry no epoch until the next start after it exists, so a cursor from another deployment is answered as one of this deployment.")]
    public static partial void EpochTableMissing(ILogger logger, string context, string table);
}
