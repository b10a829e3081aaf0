using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Signals.AspNetCore.Authorization;
using Signals.AspNetCore.Endpoints;
using Signals.AspNetCore.Tenancy;

namespace Signals.AspNetCore.Diagnostics;

/// <summary>
/// What <c>MapSignals()</c> checks once the app has started, when the group's conventions (<c>RequireAuthorization()</c>,
/// <c>AllowAnonymous()</c>, those of enclosing groups) are final: it warns when the endpoints are open to anyone without the app saying
/// so, and when tenant scoping makes declared signals unreachable.
/// </summary>
internal static class SignalsStartupChecks
{
    /// <summary>Runs the checks of one group when the app has started (<see cref="IHostApplicationLifetime.ApplicationStarted"/>).</summary>
    /// <param name="endpoints">The route builder the group was mapped on.</param>
    /// <param name="group">The group's marker.</param>
    /// <param name="services">The group's services.</param>
    /// <param name="checkCatalog">Whether to check the catalog against tenancy (once per app is enough: <c>MapSignals()</c> does).</param>
    public static void Register(IEndpointRouteBuilder endpoints, SignalsEndpointMetadata group, SignalsEndpointServices services, bool checkCatalog)
    {
        IServiceProvider provider = endpoints.ServiceProvider;
        provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            CheckAuthorization(provider, group, services);
            if (checkCatalog && services.Tenancy is not null)
            {
                CheckTenantSignals(services);
            }
        });
    }

    private static void CheckAuthorization(IServiceProvider provider, SignalsEndpointMetadata group, SignalsEndpointServices services)
    {
        RouteEndpoint[] mapped = [.. provider.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => ReferenceEquals(e.Metadata.GetMetadata<SignalsEndpointMetadata>(), group) && e.Metadata.GetMetadata<FallbackEndpointMetadata>() is null)];
        bool open = mapped.Any(static e => !IsAuthorized(e) && e.Metadata.GetMetadata<IAllowAnonymous>() is null);
        if (!open
            || services.Options.NamespacePolicies.Count > 0
            || provider.GetService<IServiceProviderIsService>()?.IsService(typeof(ISignalAuthorizer)) == true
            || provider.GetService<IOptions<AuthorizationOptions>>()?.Value.FallbackPolicy is not null)
        {
            return;
        }

        SignalsEndpointLog.EndpointsArePublic(services.Logger, Prefix(mapped));
    }

    private static bool IsAuthorized(RouteEndpoint endpoint)
        => endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null
            || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null
            || endpoint.Metadata.GetMetadata<IAuthorizationRequirementData>() is not null;

    /// <summary>The route prefix the endpoints share (e.g. <c>/signals</c>), enclosing groups included.</summary>
    private static string Prefix(RouteEndpoint[] endpoints)
    {
        string prefix = endpoints.Length == 0 ? "" : endpoints[0].RoutePattern.RawText ?? "";
        foreach (RouteEndpoint endpoint in endpoints)
        {
            string text = endpoint.RoutePattern.RawText ?? "";
            int length = 0;
            while (length < prefix.Length && length < text.Length && prefix[length] == text[length])
            {
                length++;
            }

            prefix = prefix[..length];
        }

        int slash = prefix.LastIndexOf('/');
        return slash <= 0 ? "/" : prefix[..slash];
    }

    private static void CheckTenantSignals(SignalsEndpointServices services)
    {
        string[] unreachable = [.. services.Catalog.Descriptors
            .Where(d => !TenantPatterns.TryGetClientView(d, services.SharedNamespaces, out _))
            .Select(static d => $"{d.Pattern} ({d.ClrType})")];
        if (unreachable.Length > 0)
        {
            SignalsEndpointLog.UnreachableTenantSignals(services.Logger, string.Join(", ", unreachable));
        }
    }
}
