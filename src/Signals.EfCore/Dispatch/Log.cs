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

    [LoggerMessage(108, LogLevel.Warning, "The Signals outbox cleanup failed (another instance may have compacted the same rows); retrying in {Delay}.")]
    public static partial void CleanupFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(112, LogLevel.Information, "Announced {Count} keys again: their changes committed after a newer version of the key had been published.")]
    public static partial void Reannounced(ILogger logger, int count);
}
