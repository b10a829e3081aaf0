using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore;

/// <summary>Log messages of the dispatchers (event ids 100-199).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Signals outbox dispatcher for {Context} started ({Dispatcher}); loaded {Keys} keys up to version {Position}.")]
    public static partial void DispatcherStarted(ILogger logger, string context, string dispatcher, int keys, long position);

    [LoggerMessage(101, LogLevel.Warning, "Reading the Signals outbox failed; retrying in {Delay}.")]
    public static partial void ReadFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(102, LogLevel.Warning, "Skipping outbox row {Id}: its key is not a valid signal key ({Error}).")]
    public static partial void InvalidKey(ILogger logger, long id, string error);

    [LoggerMessage(103, LogLevel.Debug, "Listening on PostgreSQL channel '{Channel}'.")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(104, LogLevel.Warning, "The PostgreSQL listening connection failed; reconnecting in {Delay}.")]
    public static partial void ListenerFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(105, LogLevel.Debug, "Sending the Signals wake-up notification failed; other instances will catch up on their safety poll.")]
    public static partial void NotifyFailed(ILogger logger, Exception exception);
}
