using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Signals;
using Signals.AspNetCore;
using Signals.AspNetCore.ClientScript;
using Signals.AspNetCore.Diagnostics;
using Signals.AspNetCore.Endpoints;
using Signals.Protocol;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Extension methods for mapping the Signals HTTP endpoints on an <see cref="IEndpointRouteBuilder"/>.</summary>
public static class SignalsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Signals endpoints under <paramref name="pattern"/>: <c>POST {pattern}/sync</c> (the Reality-compatible sync and
    /// long-poll endpoint), <c>POST</c> and <c>GET {pattern}/changes</c> (the cursor form of sync, whose <c>GET</c> a shared cache can
    /// collapse; see docs/endpoints.md), <c>GET {pattern}/events</c> (the Server-Sent Events stream), <c>GET {pattern}/values/{key}</c> (a value
    /// signal's value), <c>GET {pattern}/catalog</c> (the declared signals), <c>GET {pattern}/mesh</c> (the live instances of the cluster,
    /// <see cref="SignalMesh"/>), <c>GET {pattern}/client.js</c> (the browser client, an ES
    /// module, with the modules it imports beside it, such as <c>query.js</c>, and its TypeScript declarations <c>GET {pattern}/client.d.ts</c>),
    /// and <c>GET {pattern}/keys.js</c> with
    /// <c>GET {pattern}/keys.d.ts</c> (typed key builders and value types of the declared signals, generated from the catalog).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (usually the <c>WebApplication</c>).</param>
    /// <param name="pattern">The route prefix; the default is <c>/signals</c>.</param>
    /// <returns>
    /// The route group holding the endpoints, so the app can add conventions to all of them, e.g. <c>.RequireAuthorization()</c>,
    /// <c>.RequireRateLimiting(…)</c> or <c>.RequireCors(…)</c>, and map value writes with <see cref="MapSignalValueWrites"/>.
    /// </returns>
    /// <remarks>
    /// <para>Behaviour is configured by <see cref="SignalsEndpointOptions"/> (read and validated here, once) and
    /// <see cref="SignalsOptions"/> (<see cref="SignalsOptions.InstanceId"/> is the <c>source</c> of sync entries,
    /// <see cref="SignalsOptions.MaxKeysPerSubscription"/> bounds the keys per request). Every key a request names is checked against
    /// the <see cref="SignalCatalog"/>, scoped to the request's tenant (<c>ISignalTenantResolver</c>) and authorized
    /// (<see cref="SignalsEndpointOptions.NamespacePolicies"/>, <c>ISignalAuthorizer</c>) before anything is read. Wire shapes: the types
    /// in <c>Signals.Protocol</c>. Errors are RFC 9457 <c>application/problem+json</c> with a type from <c>SignalsProblemTypes</c>,
    /// those the framework answers included: another method on a Signals path is 405 <c>method-not-allowed</c> (with <c>Allow</c>), a
    /// path under the prefix that no endpoint maps is 404 <c>not-found</c> (the prefix belongs to Signals; the app's own endpoints under
    /// it still take precedence), and 401/403/429 from the group's authorization or rate limiting are <c>unauthorized</c>,
    /// <c>forbidden</c> and <c>too-many-requests</c>.</para>
    /// <para>The events endpoint opts out of request timeouts (<c>DisableRequestTimeout()</c>): a stream is meant to stay open.</para>
    /// <para>Once the app has started, a warning is logged (category <c>Signals.AspNetCore</c>) when the endpoints are open to anyone
    /// without the app saying so: no authorization on the group (nor an enclosing group or a fallback policy), no
    /// <c>ISignalAuthorizer</c> and no <see cref="SignalsEndpointOptions.NamespacePolicies"/>. <c>.AllowAnonymous()</c> on the group
    /// says they are public, and silences it.</para>
    /// <para>While a source of the hub cannot read its changes (an EF Core outbox whose database lacks the Signals schema), sync, events and
    /// values answer 503 <c>source-unavailable</c> with <c>Retry-After</c>, and recover by themselves once it reads. That answer comes
    /// after authorization and the checks of the keys: a caller the app refuses gets its 401 or 403, and a request naming a malformed or
    /// undeclared key its 400, whether or not the schema exists.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// <c>AddSignals().AddHttpEndpoints()</c> was not called on the app's services, or <see cref="SignalsEndpointOptions.NamespacePolicies"/> is set without <c>AddAuthorization()</c>.
    /// </exception>
    /// <exception cref="OptionsValidationException"><see cref="SignalsEndpointOptions"/> holds an invalid value.</exception>
    public static RouteGroupBuilder MapSignals(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/signals")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var services = SignalsEndpointServices.Create(endpoints.ServiceProvider);

        var marker = new SignalsEndpointMetadata();
        RouteGroupBuilder group = endpoints.MapGroup(pattern).WithMetadata(marker);
        MapSync(group, services, SyncEndpoint.Name, offersCursor: true);
        MapChanges(group, services);
        group.MapGet("/events", (HttpContext context) => EventsEndpoint.HandleAsync(context, services))
            .WithDisplayName(EventsEndpoint.Name)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableRequestTimeout();
        // The value routes bind the key as optional: an empty catch-all leaves it unset, and the endpoint explains that as a bad key.
        group.MapGet("/values/{**key}", (HttpContext context, string? key) => ValuesEndpoint.GetAsync(context, key ?? "", services))
            .WithDisplayName(ValuesEndpoint.GetName)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/catalog", () => CatalogEndpoint.Handle(services))
            .WithDisplayName(CatalogEndpoint.Name);
        group.MapGet("/mesh", (HttpContext context) => MeshEndpoint.Handle(context, services))
            .WithDisplayName(MeshEndpoint.Name);
        var keys = new KeysEndpoint(services);
        group.MapGet(KeysEndpoint.ScriptPattern, keys.Script).WithDisplayName(KeysEndpoint.Name);
        group.MapGet(KeysEndpoint.DeclarationsPattern, keys.Declarations).WithDisplayName(KeysEndpoint.Name);
        group.MapGet(ClientScriptEndpoint.DeclarationsPattern, ClientScriptEndpoint.Declarations).WithDisplayName(ClientScriptEndpoint.Name);
        group.MapGet(ClientScriptEndpoint.Pattern, ClientScriptEndpoint.Handle).WithDisplayName(ClientScriptEndpoint.Name);
        FallbackEndpoints.MapMethodNotAllowed(group, "/events", EventsEndpoint.Name);
        FallbackEndpoints.MapMethodNotAllowed(group, "/values/{**key}", ValuesEndpoint.GetName);
        FallbackEndpoints.MapMethodNotAllowed(group, "/catalog", CatalogEndpoint.Name);
        FallbackEndpoints.MapMethodNotAllowed(group, "/mesh", MeshEndpoint.Name);
        FallbackEndpoints.MapMethodNotAllowed(group, KeysEndpoint.ScriptPattern, KeysEndpoint.Name);
        FallbackEndpoints.MapMethodNotAllowed(group, KeysEndpoint.DeclarationsPattern, KeysEndpoint.Name);
        FallbackEndpoints.MapMethodNotAllowed(group, ClientScriptEndpoint.DeclarationsPattern, ClientScriptEndpoint.Name);
        FallbackEndpoints.MapMethodNotAllowed(group, ClientScriptEndpoint.Pattern, ClientScriptEndpoint.Name);
        FallbackEndpoints.MapNotFound(group);
        SignalsStartupChecks.Register(endpoints, marker, services, checkCatalog: true);
        return group;
    }

    /// <summary>
    /// Maps <c>POST {pattern}/sync</c>, the sync endpoint at the Reality server's path (<c>/reality/sync</c> by default), so an existing
    /// Reality client only changes its base URL.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (usually the <c>WebApplication</c>).</param>
    /// <param name="pattern">The route prefix; the default is <c>/reality</c>.</param>
    /// <returns>The route group, for conventions such as <c>.RequireAuthorization()</c> or <c>.RequireCors(…)</c>; those of <c>MapSignals()</c>'s group do not apply here.</returns>
    /// <remarks>
    /// The same endpoint as <c>MapSignals()</c>' <c>/sync</c>, with the same options, catalog, tenancy and authorization. Reality answers
    /// a CORS preflight with 204 on its own; here CORS is the app's choice (<c>AddCors</c>, then <c>.RequireCors(…)</c> on this group).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddSignals().AddHttpEndpoints()</c> was not called (see <see cref="MapSignals"/>).</exception>
    /// <exception cref="OptionsValidationException"><see cref="SignalsEndpointOptions"/> holds an invalid value.</exception>
    public static RouteGroupBuilder MapRealityCompatibility(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/reality")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var services = SignalsEndpointServices.Create(endpoints.ServiceProvider);

        var marker = new SignalsEndpointMetadata();
        RouteGroupBuilder group = endpoints.MapGroup(pattern).WithMetadata(marker);
        MapSync(group, services, SyncEndpoint.Name + " (Reality)", offersCursor: false);
        SignalsStartupChecks.Register(endpoints, marker, services, checkCatalog: false);
        return group;
    }

    /// <summary>
    /// Maps <c>PUT {group}/values/{key}</c> (store the JSON body as the key's value) and <c>DELETE {group}/values/{key}</c> (delete it),
    /// both requiring the authorization policy <paramref name="policyName"/>; call it on the group <see cref="MapSignals"/> returns.
    /// </summary>
    /// <param name="endpoints">The group returned by <see cref="MapSignals"/> (or any route builder: the routes are relative to it).</param>
    /// <param name="policyName">The authorization policy a caller must satisfy to write; the app defines it with <c>AddAuthorization</c>.</param>
    /// <returns>The route group holding both endpoints, for further conventions.</returns>
    /// <remarks>
    /// <para>Without this call values are read-only over HTTP. A write also passes the key gate with
    /// <c>SignalOperation.Write</c> (catalog: the key must be a value signal; tenancy; namespace policy; every <c>ISignalAuthorizer</c>).</para>
    /// <para><c>PUT</c> takes a JSON value other than <c>null</c>, at most <see cref="SignalsEndpointOptions.MaxValueBodySize"/> bytes
    /// (413 beyond), as <c>application/json</c> (415 otherwise), that deserializes to the value signal's declared type
    /// (<see cref="SignalDescriptor.ValueType"/>; 400 <c>invalid-value</c> otherwise), and answers 200 with the stored value and its
    /// version (its <c>ETag</c> is the version, <c>"42"</c>); a value equal to the stored one bumps no version. With
    /// <c>If-Match: "42"</c> it stores only if the key is still at version 42 (<c>"0"</c>: only if nothing is stored), else answers 412
    /// <c>version-conflict</c> and changes nothing; a malformed <c>If-Match</c> is 400. <c>DELETE</c> answers 204, or 404 when nothing
    /// was stored.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="policyName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="policyName"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException"><c>AddSignals().AddHttpEndpoints()</c> was not called (see <see cref="MapSignals"/>).</exception>
    public static RouteGroupBuilder MapSignalValueWrites(this IEndpointRouteBuilder endpoints, string policyName)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        var services = SignalsEndpointServices.Create(endpoints.ServiceProvider);

        RouteGroupBuilder group = endpoints.MapGroup("/values");
        group.RequireAuthorization(policyName);
        group.MapPut("/{**key}", (HttpContext context, string? key) => ValuesEndpoint.SetAsync(context, key ?? "", services))
            .WithDisplayName(ValuesEndpoint.SetName)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/{**key}", (HttpContext context, string? key) => ValuesEndpoint.DeleteAsync(context, key ?? "", services))
            .WithDisplayName(ValuesEndpoint.DeleteName)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static void MapSync(RouteGroupBuilder group, SignalsEndpointServices services, string displayName, bool offersCursor)
    {
        // Produces/ProducesProblem only describe the responses (OpenAPI). There is deliberately no Accepts(...): its routing
        // policy would answer a wrong Content-Type with an empty 415 before the endpoint can explain it as problem+json.
        group.MapPost("/sync", (HttpContext context) => SyncEndpoint.HandleAsync(context, services, offersCursor))
            .WithDisplayName(displayName)
            .Produces<SyncResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        FallbackEndpoints.MapMethodNotAllowed(group, "/sync", displayName);
    }

    private static void MapChanges(RouteGroupBuilder group, SignalsEndpointServices services)
    {
        // One handler for both forms: POST carries the keys in the body (a thousand keys do not fit a request line), GET in the query
        // (for a shared cache). No Accepts(...), as for sync. The keys arrays of recent polls are kept per MapSignals() call.
        ChangesKeyArrays keyArrays = new();
        group.MapMethods("/changes", [HttpMethods.Get, HttpMethods.Post], (HttpContext context) => ChangesEndpoint.HandleAsync(context, services, keyArrays))
            .WithDisplayName(ChangesEndpoint.Name)
            .Produces<SyncResponse>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        FallbackEndpoints.MapMethodNotAllowed(group, "/changes", ChangesEndpoint.Name);
    }
}
