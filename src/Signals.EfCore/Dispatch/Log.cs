using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore;

/// <summary>Log messages of the dispatchers (event ids 100-199).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Signals outbox dispatcher for {Context} started ({Dispatcher}).")]
    public static partial void DispatcherStarted(ILogger logger, string context, string dispatcher);

    [LoggerMessage(101, LogLevel.Warning, "Reading the Signals outbox failed; retrying in {Delay}.")]
    public static partial void ReadFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(102, LogLevel.Warning, "Skipping outbox row {Id}: its key is not a valid signal key ({Error}).")]
    public static partial void InvalidKey(ILogger logger, long id, string error);

    [LoggerMessage(103, LogLevel.Debug, "Listening on PostgreSQL channel '{Channel}'.")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(104, LogLevel.Warning, "The PostgreSQL listening connection failed; reconnecting in {Delay}.")]
    public static partial void ListenerFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(105, LogLevel.Debug, "Sending the Signals wake-up by {Transport} failed; other instances will catch up on their safety poll.")]
    public static partial void NotifyFailed(ILogger logger, string transport, Exception exception);

    [LoggerMessage(106, LogLevel.Information, "Signals outbox dispatcher for {Context} published {Versions} key versions at start; settled cursor {Settled}.")]
    public static partial void Loaded(ILogger logger, string context, int versions, long settled);

    [LoggerMessage(107, LogLevel.Information, "Compacted and removed {Rows} Signals outbox rows staged before {Cutoff}.")]
    public static partial void CleanedUp(ILogger logger, int rows, DateTimeOffset cutoff);

    [LoggerMessage(108, LogLevel.Warning, "The Signals outbox cleanup failed (another instance may have compacted the same rows); retrying in {Delay}.")]
    public static partial void CleanupFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(109, LogLevel.Information, "Signals wake-ups are relayed over Redis channel '{Channel}'.")]
    public static partial void RedisSubscribed(ILogger logger, string channel);

    [LoggerMessage(110, LogLevel.Warning, "Redis is unreachable for Signals wake-ups ({Endpoint}: {Failure}); changes from other instances wait for the safety poll (or NOTIFY) until it reconnects.")]
    public static partial void RedisUnreachable(ILogger logger, string endpoint, string failure, Exception? exception);

    [LoggerMessage(111, LogLevel.Warning, "The Redis connection for Signals wake-ups failed; reconnecting in {Delay}.")]
    public static partial void RedisFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(112, LogLevel.Information, "Announced {Count} keys again: their changes committed after a newer version of the key had been published.")]
    public static partial void Reannounced(ILogger logger, int count);
}
