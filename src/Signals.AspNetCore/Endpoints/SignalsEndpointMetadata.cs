namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// Marks every endpoint of one <c>MapSignals()</c> (or <c>MapRealityCompatibility()</c>) group, so the framework statuses of those
/// endpoints become problem+json (<see cref="SignalsStatusCodeStartupFilter"/>) and the start-up checks find them.
/// </summary>
internal sealed class SignalsEndpointMetadata
{
}
