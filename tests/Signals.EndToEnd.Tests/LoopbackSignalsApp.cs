using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// A minimal app on real Kestrel at a free loopback port: the test registers its context and Signals; this maps the Signals endpoints
/// at <c>/signals</c> (anonymous) and the dispatcher's health check at <c>/health</c>. Nothing is logged.
/// </summary>
internal static class LoopbackSignalsApp
{
    /// <summary>Builds and starts the app.</summary>
    /// <param name="configure">Registers the test's database, context and Signals.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The started app; dispose it to stop it.</returns>
    public static async Task<WebApplication> StartAsync(Action<WebApplicationBuilder> configure, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure(builder);
        builder.Services.AddHealthChecks().AddSignalsDispatcher();
        WebApplication app = builder.Build();
        app.MapSignals("/signals").AllowAnonymous();
        app.MapHealthChecks("/health");
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>A client of the app's address.</summary>
    /// <param name="app">A started app.</param>
    /// <returns>The client; the caller disposes it.</returns>
    public static HttpClient Client(WebApplication app)
        => new() { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()) };
}
