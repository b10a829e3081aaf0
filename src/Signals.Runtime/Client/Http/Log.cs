using Microsoft.Extensions.Logging;

namespace Signals.Client;

/// <summary>Log messages of the HTTP <see cref="SignalsClient"/> (event ids 300-399).</summary>
internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Debug, "Opening the Signals event stream {Uri} (Last-Event-ID {Cursor}).")]
    public static partial void OpeningStream(ILogger logger, Uri uri, long cursor);

    [LoggerMessage(301, LogLevel.Warning, "The Signals event stream failed; reconnecting in {Delay}.")]
    public static partial void StreamFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(302, LogLevel.Debug, "The Signals event stream ended; reconnecting in {Delay}.")]
    public static partial void StreamEnded(ILogger logger, TimeSpan delay);

    [LoggerMessage(303, LogLevel.Warning, "The Signals event stream cannot be held ({Reason}); long-polling for {Duration} before trying it again.")]
    public static partial void FallingBack(ILogger logger, string reason, TimeSpan duration);

    [LoggerMessage(304, LogLevel.Warning, "Signals sync failed; retrying in {Delay}.")]
    public static partial void SyncFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(305, LogLevel.Information, "The Signals server cannot resume the event stream after {Cursor}; syncing in full.")]
    public static partial void ResetReceived(ILogger logger, long cursor);
}
