using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary><c>GET {prefix}/mesh</c>: the answering instance and the other live instances of its cluster (<see cref="SignalMesh"/>).</summary>
/// <remarks>
/// The same peers a sync answer reports as <c>mesh.peers</c>, with their host, health and heartbeat times. Served to whoever may call the
/// group: it names instances and hosts, never keys, versions or values. Answered from the view the heartbeat keeps, so it costs no
/// database round trip.
/// </remarks>
internal static class MeshEndpoint
{
    public const string Name = "Signals mesh";

    public static JsonHttpResult<SignalMeshResponse> Handle(HttpContext context, SignalsEndpointServices services)
    {
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Json(
            SignalMeshResponse.From(services.Mesh, services.TimeProvider.GetUtcNow()), SignalsJsonSerializerContext.Default.SignalMeshResponse);
    }
}
