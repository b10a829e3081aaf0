using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary><c>GET {prefix}/catalog</c>: every signal the app declares (<see cref="SignalCatalog"/>), for tooling and clients.</summary>
/// <remarks>
/// <para>The catalog holds patterns, never versions or values, so it is served whole to whoever may call the group.</para>
/// <para>When the app scopes keys per tenant, the patterns are the ones clients name (<see cref="Tenancy.TenantPatterns"/>): a per-tenant
/// namespace's without the tenant segment, and none that no client can name; so whatever the catalog lists, the endpoints accept.</para>
/// </remarks>
internal static class CatalogEndpoint
{
    public const string Name = "Signals catalog";

    public static JsonHttpResult<SignalCatalogResponse> Handle(SignalsEndpointServices services)
        => TypedResults.Json(new SignalCatalogResponse(services.ClientCatalog), SignalsJsonSerializerContext.Default.SignalCatalogResponse);
}
