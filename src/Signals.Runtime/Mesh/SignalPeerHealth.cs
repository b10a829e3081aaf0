namespace Signals;

/// <summary>The values of <see cref="SignalPeer.Health"/>: the health check statuses as Reality's <c>mesh.peers</c> spells them.</summary>
public static class SignalPeerHealth
{
    /// <summary>The instance's dispatcher keeps up: <c>healthy</c>.</summary>
    public const string Healthy = "healthy";

    /// <summary>The instance's dispatcher is behind, retrying, or its wake-up connection is down: <c>degraded</c>.</summary>
    public const string Degraded = "degraded";

    /// <summary>The instance cannot serve changes (e.g. its database lacks the Signals schema): <c>unhealthy</c>.</summary>
    public const string Unhealthy = "unhealthy";
}
