using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Signals.AspNetCore.Authorization;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// The HTTP caching of <c>GET {prefix}/changes</c>, after ElectricSQL's live mode: a shared cache (nginx <c>proxy_cache</c> with
/// <c>proxy_cache_lock</c>, a CDN) serves identical polls from many clients with one request to the app.
/// </summary>
/// <remarks>
/// <para><b>Cache-Control.</b> <c>public, max-age=5</c>: the answer to a poll URL (key set, cursor, <c>live</c>) is right for every client
/// that sends that URL within a few seconds — it holds the changes since the cursor, and a client that applies it and polls on from its
/// cursor misses nothing. Five seconds gathers the polls of clients that were answered together (they poll again together) and is far
/// below the long-poll wait, so a client is not served the same answer over and over. An answer that depends on who asks is never
/// shared: when the app scopes keys per tenant, authorizes namespaces or keys (<see cref="SignalsEndpointOptions.NamespacePolicies"/>, an
/// <see cref="ISignalAuthorizer"/>), or requires authorization on the endpoint, it is <c>private, no-store</c>.</para>
/// <para><b>live.</b> A long-poll that ends with nothing new answers the cursor it was given: without more, the client's next poll would
/// be the same URL and a cache would serve it this answer again at once, for up to <c>max-age</c>. So every answer carries <c>live</c>, a
/// number of 20-second periods since the Unix epoch, always above the request's own <c>live</c>; the client sends it back, which changes
/// the URL. Clients answered together compute nothing themselves and send the same value, so their polls still collapse.</para>
/// <para><b>ETag.</b> A weak tag of the answer's cursor and <c>live</c>: <c>W/"1850-1851.3f9a0c1d2e4b5a69.88412"</c>. An <c>If-None-Match</c> that matches
/// gets <c>304 Not Modified</c> (a cache revalidating a stale entry).</para>
/// </remarks>
internal static class ChangesCaching
{
    /// <summary>How long a shared cache may serve an answer: 5 s.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    /// <summary>The length of one <c>live</c> period: 20 s.</summary>
    public static readonly TimeSpan LivePeriod = TimeSpan.FromSeconds(20);

    /// <summary>Sets the answer's <c>live</c> and the response's caching headers.</summary>
    /// <param name="context">The request.</param>
    /// <param name="services">The endpoints' services.</param>
    /// <param name="requestLive">The request's <c>live</c>, if any.</param>
    /// <param name="response">The answer.</param>
    /// <returns>The answer with its <see cref="SyncResponse.Live"/>.</returns>
    public static SyncResponse Apply(HttpContext context, SignalsEndpointServices services, long? requestLive, SyncResponse response)
    {
        long period = services.TimeProvider.GetUtcNow().ToUnixTimeSeconds() / (long)LivePeriod.TotalSeconds;
        long live = requestLive is { } previous && previous >= period ? previous + 1 : period;
        IHeaderDictionary headers = context.Response.Headers;
        headers.CacheControl = IsShareable(context, services)
            ? string.Create(CultureInfo.InvariantCulture, $"public, max-age={(int)MaxAge.TotalSeconds}")
            : "private, no-store";
        headers.ETag = string.Create(CultureInfo.InvariantCulture, $"W/\"{response.Cursor}.{live}\"");
        return new SyncResponse
        {
            Changed = response.Changed,
            Mesh = response.Mesh,
            ServerTime = response.ServerTime,
            Cursor = response.Cursor,
            Reset = response.Reset,
            Live = live,
        };
    }

    /// <summary>Whether the request's <c>If-None-Match</c> names the response's <c>ETag</c> (weak comparison), or is <c>*</c>.</summary>
    public static bool IsNotModified(HttpContext context)
    {
        IList<EntityTagHeaderValue> tags = context.Request.GetTypedHeaders().IfNoneMatch;
        if (tags.Count == 0 || !EntityTagHeaderValue.TryParse(context.Response.Headers.ETag.ToString(), out EntityTagHeaderValue? etag))
        {
            return false;
        }

        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));
    }

    /// <summary>Whether the answer is the same for every client that asks: no tenancy, no key or namespace authorization, no endpoint authorization.</summary>
    private static bool IsShareable(HttpContext context, SignalsEndpointServices services)
    {
        EndpointMetadataCollection? metadata = context.GetEndpoint()?.Metadata;
        return services.Tenancy is null
            && services.Options.NamespacePolicies.Count == 0
            && !context.RequestServices.GetServices<ISignalAuthorizer>().Any()
            && metadata?.GetMetadata<IAuthorizeData>() is null
            && metadata?.GetMetadata<AuthorizationPolicy>() is null;
    }
}
