using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>Log messages of the PostgreSQL provider (event ids 103-106 of the dispatchers' 100-199).</summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(103, LogLevel.Debug, "Listening on PostgreSQL channel '{Channel}'.")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(104, LogLevel.Warning, "The PostgreSQL listening connection failed; reconnecting in {Delay}.")]
    public static partial void ListenerFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(105, LogLevel.Debug, "Sending the Signals wake-up by {Transport} failed; other instances will catch up on their safety poll.")]
    public static partial void NotifyFailed(ILogger logger, string transport, Exception exception);

    [LoggerMessage(106, LogLevel.Warning, "The connection of the Signals producer locks failed: its locks are lost, and the producers that held them stop until they take them again.")]
    public static partial void ProducerLocksLost(ILogger logger, Exception exception);
}
