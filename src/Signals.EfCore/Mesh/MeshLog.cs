using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore;

/// <summary>Log messages of the mesh heartbeat (event ids 120-129).</summary>
internal static partial class MeshLog
{
    [LoggerMessage(120, LogLevel.Information, "Signals mesh: instance {InstanceId} heartbeats every {Interval} through {Context}.")]
    public static partial void Joined(ILogger logger, string instanceId, TimeSpan interval, string context);

    [LoggerMessage(121, LogLevel.Warning, "Signals mesh: the heartbeat failed; it runs again in {Delay}.")]
    public static partial void HeartbeatFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(122, LogLevel.Debug, "Signals mesh: the heartbeat skipped, the Signals schema is missing; it runs again in {Delay}.")]
    public static partial void HeartbeatSkipped(ILogger logger, TimeSpan delay);

    [LoggerMessage(123, LogLevel.Information, "Signals mesh: removed the rows of {Count} instances unseen since before {Cutoff}.")]
    public static partial void DeadInstancesRemoved(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(124, LogLevel.Warning, "Signals mesh: removing this instance's row at shutdown failed; other instances drop it after two heartbeats.")]
    public static partial void LeaveFailed(ILogger logger, Exception exception);
}
