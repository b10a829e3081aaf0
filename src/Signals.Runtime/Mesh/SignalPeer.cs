namespace Signals;

/// <summary>One app instance of the cluster, as its last heartbeat in the shared database recorded it.</summary>
/// <param name="InstanceId">The instance's name (<see cref="SignalsOptions.InstanceId"/>): the <c>source</c> it reports in sync answers.</param>
/// <param name="Host">The machine it runs on (<see cref="Environment.MachineName"/>).</param>
/// <param name="StartedAt">When the instance started heartbeating.</param>
/// <param name="LastSeenAt">When it last heartbeated (its own clock).</param>
/// <param name="Health">
/// Its health when it last heartbeated, as its Signals dispatcher health check reports it: <see cref="SignalPeerHealth.Healthy"/>,
/// <see cref="SignalPeerHealth.Degraded"/> or <see cref="SignalPeerHealth.Unhealthy"/>.
/// </param>
public sealed record SignalPeer(string InstanceId, string Host, DateTimeOffset StartedAt, DateTimeOffset LastSeenAt, string Health);
