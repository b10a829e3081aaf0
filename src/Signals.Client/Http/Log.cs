using Microsoft.Extensions.Logging;

namespace Signals.Client;

/// <summary>Log messages of the HTTP <see cref="SignalsClient"/> (event ids 300-399).</summary>
/// <remarks>Failures are logged with their type and message, not their stack: a server that is down fails the same way on every
/// retry, and the stack of a refused connection says nothing.</remarks>
internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Debug, "Opening the Signals event stream {Uri} (Last-Event-ID {Cursor}).")]
    public static partial void OpeningStream(ILogger logger, Uri uri, string? cursor);

    [LoggerMessage(301, LogLevel.Warning, "The Signals event stream failed ({Error}); reconnecting in {Delay}.")]
    public static partial void StreamFailed(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(302, LogLevel.Debug, "The Signals event stream ended; reconnecting in {Delay}.")]
    public static partial void StreamEnded(ILogger logger, TimeSpan delay);

    [LoggerMessage(303, LogLevel.Warning, "The Signals event stream cannot be held ({Reason}); long-polling for {Duration} before trying it again.")]
    public static partial void FallingBack(ILogger logger, string reason, TimeSpan duration);

    [LoggerMessage(304, LogLevel.Warning, "Signals sync failed ({Error}); retrying in {Delay}.")]
    public static partial void SyncFailed(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(305, LogLevel.Information, "The Signals server cannot resume the event stream after {Cursor}; syncing in full.")]
    public static partial void ResetReceived(ILogger logger, string? cursor);
}
