namespace Signals.AspNetCore;

/// <summary>Registered by <c>AddHttpEndpoints()</c>, so <c>MapSignals()</c> can tell that it was called.</summary>
internal sealed class SignalsHttpEndpointsMarkerService
{
}
