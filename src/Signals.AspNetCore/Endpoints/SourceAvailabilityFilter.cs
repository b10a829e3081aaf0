using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// Answers 503 (<see cref="SignalsProblem.SourceUnavailable"/>, with <c>Retry-After</c>) before an endpoint runs while a source that feeds
/// the hub cannot read its changes (<see cref="SignalSourceStatus"/>): the hub's versions would be an empty, misleading "nothing changed".
/// The endpoints answer again by themselves once the source reads.
/// </summary>
internal static class SourceAvailabilityFilter
{
    /// <summary>Adds the check to an endpoint that reads from or writes to the hub's sources (sync, events, values).</summary>
    /// <param name="builder">The endpoint.</param>
    /// <param name="services">The endpoints' shared services.</param>
    /// <param name="endpoint">The endpoint's name, for the log.</param>
    /// <returns>The same builder.</returns>
    public static RouteHandlerBuilder RequireAvailableSource(this RouteHandlerBuilder builder, SignalsEndpointServices services, string endpoint)
        => builder.AddEndpointFilter(async (context, next) =>
        {
            if (!services.Sources.IsUnavailable(out TimeSpan retryAfter))
            {
                return await next(context).ConfigureAwait(false);
            }

            context.HttpContext.Response.Headers[HeaderNames.RetryAfter] =
                Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return services.Reject(endpoint, SignalsProblem.SourceUnavailable());
        });
}
