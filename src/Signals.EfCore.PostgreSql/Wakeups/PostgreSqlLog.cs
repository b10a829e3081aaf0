using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>Log messages of the PostgreSQL provider (event ids 103-106, 126 and 127 of the dispatchers' 100-199).</summary>
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

    [LoggerMessage(126, LogLevel.Information, "No other Signals listener announced itself on PostgreSQL channel '{Channel}' for {PeerTimeout}: this instance sends no wake-ups after its commits until one does.")]
    public static partial void Alone(ILogger logger, string channel, TimeSpan peerTimeout);

    [LoggerMessage(127, LogLevel.Information, "Another Signals listener is on PostgreSQL channel '{Channel}': this instance sends wake-ups after its commits again.")]
    public static partial void PeersListen(ILogger logger, string channel);
}
