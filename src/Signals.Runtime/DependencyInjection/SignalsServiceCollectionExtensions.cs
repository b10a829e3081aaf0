using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Signals;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods for setting up Signals services in an <see cref="IServiceCollection"/>.</summary>
public static class SignalsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Signals hub, options, metrics (<see cref="SignalsMetrics"/>), the <see cref="SignalCatalog"/> (<see cref="SignalCatalog.Registered"/>
    /// unless one was registered before), and the in-memory <see cref="ISignalStore"/> and <see cref="ISignalValueStore"/> to the specified
    /// <see cref="IServiceCollection"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder on which packages add their parts (e.g. the EF Core outbox and dispatcher).</returns>
    /// <remarks>
    /// Idempotent: calling it again adds nothing twice. <see cref="SignalsOptions"/> binds the <c>Signals</c> configuration section,
    /// <see cref="SignalHubOptions"/> the <c>Signals:Hub</c> section; both are validated at start-up.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddSignals(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(SignalsMarkerService)))
        {
            return new SignalsBuilder(services);
        }

        services.AddSingleton<SignalsMarkerService>();
        services.AddOptions<SignalsOptions>()
            .BindConfiguration(SignalsOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalsOptions>, SignalsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<SignalsMetrics>();
        services.TryAddSingleton(static _ => SignalCatalog.Registered);
        services.AddOptions<SignalHubOptions>().BindConfiguration(SignalHubOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalHubOptions>, SignalHubOptionsValidator>());
        services.AddOptions<SignalNamespacesOptions>().BindConfiguration(SignalNamespacesOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalNamespacesOptions>, SignalNamespacesOptionsValidator>());
        services.TryAddSingleton(static sp => SignalNamespaces.From(sp.GetRequiredService<IOptions<SignalNamespacesOptions>>().Value));
        services.TryAddSingleton(static sp => new SignalHub(
            sp.GetRequiredService<IOptions<SignalsOptions>>(),
            sp.GetRequiredService<IOptions<SignalHubOptions>>(),
            sp.GetRequiredService<SignalNamespaces>().VersionSource(sp.GetService<ISignalVersionSource>(), sp.GetRequiredKeyedService<ISignalVersionSource>),
            sp.GetRequiredService<SignalsMetrics>(),
            sp.GetRequiredService<SignalNamespaces>()));
        services.TryAddSingleton<SignalSourceStatus>();
        services.TryAddSingleton(static _ => new SignalMesh());
        services.TryAddSingleton(static sp => new InMemorySignalStore(sp.GetRequiredService<SignalHub>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddKeyedSingleton(SignalStoreRouter.LocalStoreKey, static (sp, _) => new InMemorySignalStore(
            sp.GetRequiredService<SignalHub>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SignalNamespaces>()));
        services.TryAddSingleton(static sp => SignalStoreRouter.Store(sp, sp.GetRequiredService<InMemorySignalStore>()));
        services.TryAddSingleton(static sp => SignalStoreRouter.Values(sp, sp.GetRequiredService<InMemorySignalStore>()));
        return new SignalsBuilder(services);
    }

    /// <summary>Adds Signals services (see <see cref="AddSignals(IServiceCollection)"/>) and configures <see cref="SignalsOptions"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; runs after the configuration section is bound.</param>
    /// <returns>A builder on which packages add their parts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddSignals(this IServiceCollection services, Action<SignalsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ISignalsBuilder builder = services.AddSignals();
        services.Configure(configure);
        return builder;
    }
}
