using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Signals;
using Signals.AspNetCore;
using Signals.AspNetCore.ClientScript;
using Signals.AspNetCore.Endpoints;
using Signals.Protocol;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Extension methods for mapping the Signals HTTP endpoints on an <see cref="IEndpointRouteBuilder"/>.</summary>
public static class SignalsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Signals endpoints under <paramref name="pattern"/>: <c>POST {pattern}/sync</c> (the Reality-compatible sync
    /// and long-poll endpoint) and <c>GET {pattern}/events</c> (the Server-Sent Events stream).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (usually the <c>WebApplication</c>).</param>
    /// <param name="pattern">The route prefix; the default is <c>/signals</c>.</param>
    /// <returns>
    /// The route group holding both endpoints, so the app can add conventions to them, e.g. <c>.RequireAuthorization()</c>,
    /// <c>.RequireRateLimiting(…)</c> or <c>.RequireCors(…)</c>.
    /// </returns>
    /// <remarks>
    /// <para>Behaviour is configured by <see cref="SignalsEndpointOptions"/> (read and validated here, once) and
    /// <see cref="SignalsOptions"/> (<see cref="SignalsOptions.InstanceId"/> is the <c>source</c> of sync entries,
    /// <see cref="SignalsOptions.MaxKeysPerSubscription"/> bounds the keys per request). Wire shapes: the types in
    /// <c>Signals.Protocol</c>. Errors are RFC 9457 <c>application/problem+json</c> with a type from <c>SignalsProblemTypes</c>;
    /// other HTTP methods get 405 from routing.</para>
    /// <para>The events endpoint opts out of request timeouts (<c>DisableRequestTimeout()</c>): a stream is meant to stay open.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddSignals()</c> was not called on the app's services.</exception>
    /// <exception cref="OptionsValidationException"><see cref="SignalsEndpointOptions"/> holds an invalid value.</exception>
    public static RouteGroupBuilder MapSignals(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/signals")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);

        if (endpoints.ServiceProvider.GetService<SignalsMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Call 'builder.Services.AddSignals()' (IServiceCollection.AddSignals) in the application startup code before calling MapSignals().");
        }

        IOptions<SignalsEndpointOptions> options = endpoints.ServiceProvider.GetRequiredService<IOptions<SignalsEndpointOptions>>();
        SignalsEndpointOptionsValidator.ThrowIfInvalid(options.Value);

        RouteGroupBuilder group = endpoints.MapGroup(pattern);
        // Produces/ProducesProblem only describe the responses (OpenAPI). There is deliberately no Accepts(...): its routing
        // policy would answer a wrong Content-Type with an empty 415 before the endpoint can explain it as problem+json.
        group.MapPost("/sync", SyncEndpoint.HandleAsync)
            .WithDisplayName("Signals sync")
            .Produces<SyncResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/events", EventsEndpoint.Handle)
            .WithDisplayName("Signals events")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .DisableRequestTimeout();
        group.MapGet("/client.js", ClientScriptEndpoint.Handle).WithDisplayName("Signals browser client");
        return group;
    }
}
