using System.Collections.Frozen;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signals.AspNetCore.Tenancy;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// What the endpoints of one <c>MapSignals()</c> call share, resolved and validated once when they are mapped: the hub, the options,
/// the key gate, metrics, the logger and the app's lifetime. Per-request services (value store, tenant resolver, authorizers) are
/// resolved from the request instead, so they may be scoped.
/// </summary>
internal sealed class SignalsEndpointServices
{
    private SignalsEndpointServices(IServiceProvider services)
    {
        Hub = services.GetRequiredService<SignalHub>();
        Signals = services.GetRequiredService<IOptions<SignalsOptions>>().Value;
        Options = services.GetRequiredService<IOptions<SignalsEndpointOptions>>().Value;
        Catalog = services.GetRequiredService<SignalCatalog>();
        Metrics = services.GetRequiredService<SignalsMetrics>();
        TimeProvider = services.GetRequiredService<TimeProvider>();
        Mesh = services.GetRequiredService<SignalMesh>();
        Stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        Logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(SignalsEndpointLog.Category);
        Tenancy = services.GetService<IServiceProviderIsService>()?.IsService(typeof(ISignalTenantResolver)) == true
            ? services.GetRequiredService<IOptions<SignalTenancyOptions>>().Value
            : null;
        SharedNamespaces = Tenancy is null ? FrozenSet<string>.Empty : Tenancy.SharedNamespaces.ToFrozenSet(StringComparer.Ordinal);
        Gate = new SignalKeyGate(
            Catalog,
            new Dictionary<string, string>(Options.NamespacePolicies, StringComparer.Ordinal),
            SharedNamespaces,
            services.GetRequiredService<SignalSourceStatus>(),
            Logger);
    }

    /// <summary>Gets the event data shared by the streams of these endpoints.</summary>
    public SignalEventDataCache EventData { get; } = new();

    public SignalHub Hub { get; }

    public SignalsOptions Signals { get; }

    public SignalsEndpointOptions Options { get; }

    public SignalCatalog Catalog { get; }

    public SignalsMetrics Metrics { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Gets this instance's view of its cluster (empty unless something heartbeats, e.g. the EF Core outbox).</summary>
    public SignalMesh Mesh { get; }

    /// <summary>Gets <see cref="IHostApplicationLifetime.ApplicationStopping"/>: long-polls answer and streams end when it fires.</summary>
    public CancellationToken Stopping { get; }

    public ILogger Logger { get; }

    public SignalKeyGate Gate { get; }

    /// <summary>Gets the tenancy options when the app scopes keys per tenant (it registered an <see cref="ISignalTenantResolver"/>), else <see langword="null"/>.</summary>
    public SignalTenancyOptions? Tenancy { get; }

    /// <summary>Gets the namespaces every tenant shares (empty without tenancy): their keys are not scoped.</summary>
    public FrozenSet<string> SharedNamespaces { get; }

    /// <summary>
    /// Gets the declared signals as clients name them (<see cref="TenantPatterns"/>): what the catalog, <c>keys.js</c> and
    /// <c>keys.d.ts</c> serve. Read anew each time, as <see cref="SignalCatalog.Registered"/> grows when an assembly is loaded.
    /// </summary>
    public IReadOnlyList<SignalDescriptor> ClientCatalog => TenantPatterns.GetClientView(Catalog.Descriptors, Tenancy, SharedNamespaces);

    /// <summary>Resolves and validates what the endpoints need.</summary>
    /// <param name="services">The app's root services.</param>
    /// <returns>The shared services.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSignals()</c> or <c>AddHttpEndpoints()</c> was not called, or namespace policies are set without <c>AddAuthorization()</c>.</exception>
    /// <exception cref="OptionsValidationException"><see cref="SignalsEndpointOptions"/> or <see cref="SignalTenancyOptions"/> holds an invalid value.</exception>
    public static SignalsEndpointServices Create(IServiceProvider services)
    {
        if (services.GetService<SignalsMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Call 'builder.Services.AddSignals().AddHttpEndpoints()' in the application startup code before calling MapSignals().");
        }

        if (services.GetService<SignalsHttpEndpointsMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the services of the Signals endpoints. Call 'builder.Services.AddSignals().AddHttpEndpoints()' in the application startup code before calling MapSignals().");
        }

        // Reading the options runs their validators (registered by AddHttpEndpoints() and AddTenantResolver(…)), as at start-up;
        // the constructor reads the tenancy options the same way.
        SignalsEndpointOptions options = services.GetRequiredService<IOptions<SignalsEndpointOptions>>().Value;
        if (options.NamespacePolicies.Count > 0 && services.GetService<IServiceProviderIsService>()?.IsService(typeof(IAuthorizationService)) != true)
        {
            throw new InvalidOperationException(
                "SignalsEndpointOptions.NamespacePolicies names authorization policies, but authorization is not registered. Call 'builder.Services.AddAuthorization(…)' and define the policies.");
        }

        return new SignalsEndpointServices(services);
    }

    /// <summary>Logs a rejected request and returns its problem as the response.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="problem">What is wrong.</param>
    /// <returns>The <c>application/problem+json</c> result.</returns>
    public ProblemHttpResult Reject(string endpoint, SignalsProblem problem)
    {
        SignalsEndpointLog.RequestRejected(Logger, endpoint, problem.Status, problem.Type, problem.Detail);
        return problem.ToResult();
    }
}
