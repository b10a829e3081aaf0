using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary><c>GET {prefix}/catalog</c>: every signal the app declares (<see cref="SignalCatalog"/>), for tooling and clients.</summary>
/// <remarks>The catalog holds patterns, never versions or values, so it is served whole to whoever may call the group.</remarks>
internal static class CatalogEndpoint
{
    public const string Name = "Signals catalog";

    public static JsonHttpResult<SignalCatalogResponse> Handle(SignalsEndpointServices services)
        => TypedResults.Json(new SignalCatalogResponse(services.Catalog.Descriptors), SignalsJsonSerializerContext.Default.SignalCatalogResponse);
}
