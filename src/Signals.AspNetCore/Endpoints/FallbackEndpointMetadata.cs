namespace Signals.AspNetCore.Endpoints;

/// <summary>Marks the endpoints that only answer 404 or 405 inside the Signals prefix (<see cref="FallbackEndpoints"/>): they read nothing.</summary>
internal sealed class FallbackEndpointMetadata
{
    public static FallbackEndpointMetadata Instance { get; } = new();
}
