using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// The endpoints that answer, inside the Signals prefix, what routing would answer with an empty body: 405 for a Signals path asked
/// with another method, 404 for a path no endpoint maps. Both are problem+json with a <see cref="Protocol.SignalsProblemTypes"/> type.
/// </summary>
/// <remarks>
/// <para>A route without an HTTP method matches every method; with a higher order than the Signals endpoints (0), routing picks it only
/// when no endpoint of the path takes the method, in place of its own empty 405 (HttpMethodMatcherPolicy adds that only where no
/// endpoint takes every method). The 405 lists, in <c>Allow</c>, the methods of every endpoint mapped on the same route pattern
/// (found once, on the first 405), so value writes mapped later by <c>MapSignalValueWrites()</c> count. The 404 route is the group's
/// catch-all with the lowest priority (the order of <c>MapFallback</c>): any endpoint of the app under the prefix takes precedence.</para>
/// <para>CORS preflights still reach the Signals endpoint that accepts them (it has the lower order). The group's conventions apply to
/// these routes too, so a caller without access to the group gets 401/403 before it learns which paths exist.</para>
/// </remarks>
internal static class FallbackEndpoints
{
    /// <summary>Maps the 405 answer for every other method on <paramref name="pattern"/>.</summary>
    public static void MapMethodNotAllowed(RouteGroupBuilder group, string pattern, string endpointName)
    {
        var allowed = new AllowedMethods();
        group.Map(pattern, (HttpContext context) => MethodNotAllowed(context, allowed))
            .WithOrder(1)
            .WithDisplayName(endpointName + " (other methods)")
            .WithMetadata(FallbackEndpointMetadata.Instance)
            .ExcludeFromDescription();
    }

    /// <summary>Maps the 404 answer for every path of the group that no endpoint maps.</summary>
    public static void MapNotFound(RouteGroupBuilder group)
        => group.Map("/{**path}", static (HttpContext context) => NotFound(context))
            .WithOrder(int.MaxValue)
            .WithDisplayName("Signals (no such endpoint)")
            .WithMetadata(FallbackEndpointMetadata.Instance)
            .ExcludeFromDescription();

    private static ProblemHttpResult MethodNotAllowed(HttpContext context, AllowedMethods allowed)
    {
        string methods = allowed.Get(context);
        context.Response.Headers.Allow = methods;
        return SignalsProblem.MethodNotAllowed(context.Request.Method, context.Request.Path.Value ?? "", methods).ToResult();
    }

    private static ProblemHttpResult NotFound(HttpContext context)
        => SignalsProblem.NotFound(context.Request.Method, context.Request.Path.Value ?? "").ToResult();

    /// <summary>The methods of the endpoints that share the 405 route's pattern, found on the first 405.</summary>
    private sealed class AllowedMethods
    {
        private string? _methods;

        public string Get(HttpContext context)
        {
            if (_methods is { } methods)
            {
                return methods;
            }

            string? pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            methods = string.Join(", ", context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
                .OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText == pattern && e.Metadata.GetMetadata<FallbackEndpointMetadata>() is null)
                .SelectMany(static e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Order(StringComparer.Ordinal));
            return _methods = methods;
        }
    }
}
