using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Signals.AspNetCore.Tenancy;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary><c>GET {prefix}/catalog</c>: every signal the app declares (<see cref="SignalCatalog"/>), for tooling and clients.</summary>
/// <remarks>
/// <para>The catalog holds patterns, never versions or values, so it is served whole to whoever may call the group.</para>
/// <para>When the app scopes keys per tenant, the patterns are the ones clients name (<see cref="TenantPatterns"/>): a per-tenant
/// namespace's without the tenant segment, and none that no client can name; so whatever the catalog lists, the endpoints accept.</para>
/// </remarks>
internal static class CatalogEndpoint
{
    public const string Name = "Signals catalog";

    public static JsonHttpResult<SignalCatalogResponse> Handle(SignalsEndpointServices services)
    {
        IReadOnlyList<SignalDescriptor> descriptors = services.Catalog.Descriptors;
        if (services.Tenancy is not null)
        {
            List<SignalDescriptor> forClients = new(descriptors.Count);
            foreach (SignalDescriptor descriptor in descriptors)
            {
                if (TenantPatterns.TryGetClientView(descriptor, services.SharedNamespaces, out SignalDescriptor? view))
                {
                    forClients.Add(view!);
                }
            }

            // Sorted again (as the catalog is): removing the tenant segment can change the order.
            forClients.Sort(static (a, b) => a.Pattern != b.Pattern
                ? string.CompareOrdinal(a.Pattern, b.Pattern)
                : string.CompareOrdinal(a.ClrType, b.ClrType));
            descriptors = forClients;
        }

        return TypedResults.Json(new SignalCatalogResponse(descriptors), SignalsJsonSerializerContext.Default.SignalCatalogResponse);
    }
}
