using Microsoft.Extensions.Logging;

namespace Signals.Redis;

/// <summary>Log messages of the Redis wake-ups (event ids 105 and 109-111 of the dispatchers' 100-199).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(105, LogLevel.Debug, "Sending the Signals wake-up by {Transport} failed; other instances will catch up on their safety poll.")]
    public static partial void NotifyFailed(ILogger logger, string transport, Exception exception);

    [LoggerMessage(109, LogLevel.Information, "Signals wake-ups are relayed over Redis channel '{Channel}'.")]
    public static partial void RedisSubscribed(ILogger logger, string channel);

    [LoggerMessage(110, LogLevel.Warning, "Redis is unreachable for Signals wake-ups ({Endpoint}: {Failure}); changes from other instances wait for the safety poll (or NOTIFY) until it reconnects.")]
    public static partial void RedisUnreachable(ILogger logger, string endpoint, string failure, Exception? exception);

    [LoggerMessage(111, LogLevel.Warning, "The Redis connection for Signals wake-ups failed; reconnecting in {Delay}.")]
    public static partial void RedisFailed(ILogger logger, TimeSpan delay, Exception exception);
}
