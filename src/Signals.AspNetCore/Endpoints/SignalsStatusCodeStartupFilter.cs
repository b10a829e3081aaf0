using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// Puts ASP.NET Core's status code pages (<see cref="StatusCodePagesExtensions.UseStatusCodePages(IApplicationBuilder, Func{StatusCodeContext, Task})"/>)
/// at the start of the app's pipeline, acting only for the Signals endpoints: an error status the framework sets on them without a
/// body (401 and 403 from the app's authorization, 429 from its rate limiter, 404 for a browser module that does not exist) becomes
/// problem+json with a Signals type.
/// </summary>
/// <remarks>
/// <para>Registered by <c>AddHttpEndpoints()</c>. An authorization challenge runs in the authorization middleware, before the endpoint,
/// so only middleware placed ahead of it can give the answer a body; a startup filter places it ahead of everything the app adds. A
/// request whose endpoint is not a Signals endpoint (<see cref="SignalsEndpointMetadata"/>) is left as it is. The middleware only
/// writes a body where none was written (no <c>Content-Type</c>, no <c>Content-Length</c>, not started): an answer the app's own
/// status code pages or an authentication handler wrote (a redirect to a login page has no error status) stays.</para>
/// </remarks>
internal sealed class SignalsStatusCodeStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseStatusCodePages(WriteProblemAsync);
        next(app);
    };

    private static Task WriteProblemAsync(StatusCodeContext context)
    {
        HttpContext http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<SignalsEndpointMetadata>() is null)
        {
            return Task.CompletedTask;
        }

        ProblemHttpResult result = SignalsProblem.ForFrameworkStatus(http)?.ToResult() ?? TypedResults.Problem(statusCode: http.Response.StatusCode);
        return result.ExecuteAsync(http);
    }
}
