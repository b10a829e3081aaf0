using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Signals;
using Signals.AspNetCore;
using Signals.AspNetCore.Authorization;
using Signals.AspNetCore.Endpoints;
using Signals.AspNetCore.Tenancy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods for configuring the Signals HTTP endpoints on an <see cref="ISignalsBuilder"/>.</summary>
public static class SignalsBuilderEndpointExtensions
{
    /// <summary>
    /// Adds the services of the endpoints <c>MapSignals()</c> maps: <see cref="SignalsEndpointOptions"/> (bound to the
    /// <c>Signals:Endpoints</c> configuration section, validated at start-up, then <paramref name="configure"/>), and the status code
    /// handling that answers the framework's error statuses of those endpoints (401, 403, 429) as problem+json.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSignals()</c>.</param>
    /// <param name="configure">Configures the options; runs after the configuration section is bound. Optional.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// <para>Required by <c>MapSignals()</c> and <c>MapRealityCompatibility()</c>, as <c>AddSignalR()</c> is by <c>MapHub()</c>.
    /// Idempotent: the services, binding and validation are added once; each <paramref name="configure"/> is applied, in call order.</para>
    /// <para>The status code handling is ASP.NET Core's status code pages, added at the start of the app's pipeline by an
    /// <see cref="Microsoft.AspNetCore.Hosting.IStartupFilter"/> and acting only on responses of Signals endpoints that have an error
    /// status and no body: the authorization middleware answers 401 and 403 before any endpoint code runs, so only middleware ahead of
    /// it can give them a body.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddHttpEndpoints(this ISignalsBuilder builder, Action<SignalsEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (!services.Any(static d => d.ServiceType == typeof(IValidateOptions<SignalsEndpointOptions>) && d.ImplementationType == typeof(SignalsEndpointOptionsValidator)))
        {
            services.AddOptions<SignalsEndpointOptions>().BindConfiguration(SignalsEndpointOptions.SectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalsEndpointOptions>, SignalsEndpointOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, SignalsStatusCodeStartupFilter>());
            services.TryAddSingleton<SignalsHttpEndpointsMarkerService>();
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    /// <summary>
    /// Adds an <see cref="ISignalAuthorizer"/> that every Signals endpoint consults for every key a request names (sync, the event
    /// stream at subscribe, values). Several may be added; each must allow a key.
    /// </summary>
    /// <typeparam name="TAuthorizer">The authorizer; resolved from the request's services.</typeparam>
    /// <param name="builder">The builder returned by <c>AddSignals()</c>.</param>
    /// <param name="lifetime">The authorizer's lifetime; the default is <see cref="ServiceLifetime.Scoped"/>, so it may use scoped services such as a <c>DbContext</c>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>Adding the same type twice adds it once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddSignalAuthorizer<TAuthorizer>(this ISignalsBuilder builder, ServiceLifetime lifetime = ServiceLifetime.Scoped)
        where TAuthorizer : class, ISignalAuthorizer
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Describe(typeof(ISignalAuthorizer), typeof(TAuthorizer), lifetime));
        return builder;
    }

    /// <summary>
    /// Scopes every key the Signals endpoints see to the request's tenant, as <typeparamref name="TResolver"/> finds it, so tenants never
    /// see each other's keys, versions or values (see <see cref="ISignalTenantResolver"/>). Replaces a resolver added before.
    /// </summary>
    /// <typeparam name="TResolver">The resolver; resolved from the request's services.</typeparam>
    /// <param name="builder">The builder returned by <c>AddSignals()</c>.</param>
    /// <param name="lifetime">The resolver's lifetime; the default is <see cref="ServiceLifetime.Scoped"/>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>Every namespace is per tenant unless <see cref="SignalTenancyOptions.SharedNamespaces"/> lists it (configuration section <c>Signals:Tenancy</c>, or the overload that takes a configure action).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddTenantResolver<TResolver>(this ISignalsBuilder builder, ServiceLifetime lifetime = ServiceLifetime.Scoped)
        where TResolver : class, ISignalTenantResolver
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddTenancy(ServiceDescriptor.Describe(typeof(ISignalTenantResolver), typeof(TResolver), lifetime), null);
    }

    /// <summary>
    /// Scopes every key the Signals endpoints see to the request's tenant, as <typeparamref name="TResolver"/> finds it, except the keys of
    /// the namespaces <paramref name="configure"/> declares shared (see <see cref="SignalTenancyOptions"/>). Replaces a resolver added before.
    /// </summary>
    /// <typeparam name="TResolver">The resolver; resolved from the request's services.</typeparam>
    /// <param name="builder">The builder returned by <c>AddSignals()</c>.</param>
    /// <param name="configure">Configures tenancy, e.g. <c>o =&gt; o.SharedNamespaces.Add("shop")</c>; runs after the <c>Signals:Tenancy</c> section is bound.</param>
    /// <param name="lifetime">The resolver's lifetime; the default is <see cref="ServiceLifetime.Scoped"/>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>The options are validated at start-up and in <c>MapSignals()</c>: a shared namespace must be one literal key segment.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddTenantResolver<TResolver>(this ISignalsBuilder builder, Action<SignalTenancyOptions> configure, ServiceLifetime lifetime = ServiceLifetime.Scoped)
        where TResolver : class, ISignalTenantResolver
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddTenancy(ServiceDescriptor.Describe(typeof(ISignalTenantResolver), typeof(TResolver), lifetime), configure);
    }

    /// <summary>Scopes every key the Signals endpoints see to the tenant <paramref name="resolve"/> returns for the request (see <see cref="AddTenantResolver{TResolver}(ISignalsBuilder, ServiceLifetime)"/>).</summary>
    /// <param name="builder">The builder returned by <c>AddSignals()</c>.</param>
    /// <param name="resolve">Returns the request's tenant id, or <see langword="null"/> when it has none (the request is then answered with 403).</param>
    /// <param name="configure">Configures tenancy, e.g. <c>o =&gt; o.SharedNamespaces.Add("shop")</c>; optional.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="resolve"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddTenantResolver(this ISignalsBuilder builder, Func<HttpContext, string?> resolve, Action<SignalTenancyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(resolve);
        return builder.AddTenancy(ServiceDescriptor.Singleton<ISignalTenantResolver>(new DelegateSignalTenantResolver(resolve)), configure);
    }

    /// <summary>Replaces the tenant resolver, and registers the tenancy options (binding and validation once; each configure action).</summary>
    private static ISignalsBuilder AddTenancy(this ISignalsBuilder builder, ServiceDescriptor resolver, Action<SignalTenancyOptions>? configure)
    {
        IServiceCollection services = builder.Services;
        services.Replace(resolver);
        if (!services.Any(static d => d.ServiceType == typeof(IValidateOptions<SignalTenancyOptions>) && d.ImplementationType == typeof(SignalTenancyOptionsValidator)))
        {
            services.AddOptions<SignalTenancyOptions>().BindConfiguration(SignalTenancyOptions.SectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalTenancyOptions>, SignalTenancyOptionsValidator>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
