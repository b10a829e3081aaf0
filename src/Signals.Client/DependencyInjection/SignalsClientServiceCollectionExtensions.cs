using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Signals.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods for registering the HTTP Signals client in an <see cref="IServiceCollection"/>.</summary>
public static class SignalsClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds the HTTP <see cref="SignalsClient"/> for the Signals server at <paramref name="baseAddress"/> to the specified
    /// <see cref="IServiceCollection"/>, and makes it the app's <see cref="ISignalsClient"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="baseAddress">The address of the app that maps the Signals endpoints (<see cref="SignalsClientOptions.BaseAddress"/>).</param>
    /// <param name="configure">Configures the options; runs after the <c>Signals:Client</c> configuration section is bound and
    /// <paramref name="baseAddress"/> is set. Optional.</param>
    /// <returns>The builder of the named <see cref="IHttpClientFactory"/> client <see cref="SignalsClient.HttpClientName"/>, to add
    /// handlers (authentication, logging, resilience) to every request the client sends.</returns>
    /// <remarks>
    /// <para>Which <see cref="ISignalsClient"/> an app gets: <c>AddSignals()</c> (the app hosts Signals) registers the in-process
    /// <see cref="EmbeddedSignalsClient"/> unless a client is registered already; <c>AddSignalsClient(baseAddress)</c> registers this
    /// HTTP client and replaces the embedded one, whichever of the two is called first. Both stay resolvable by their own type.</para>
    /// <para>The client is a singleton; the options are validated at start-up under a host and when the client is first resolved
    /// (<see cref="OptionsValidationException"/> names every invalid property). The named client's <see cref="HttpClient.Timeout"/> is
    /// infinite, because event streams stay open: requests are bounded by <see cref="SignalsClientOptions.RequestTimeout"/> and the
    /// stream timeouts instead.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="baseAddress"/> is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddSignalsClient(this IServiceCollection services, Uri baseAddress, Action<SignalsClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);

        if (!services.Any(static d => d.ServiceType == typeof(IValidateOptions<SignalsClientOptions>) && d.ImplementationType == typeof(SignalsClientOptionsValidator)))
        {
            // The section binds where the app has configuration (any .NET host); a console app without one still gets a client.
            services.AddOptions<SignalsClientOptions>()
                .Configure<IServiceProvider>(static (options, sp) => sp.GetService<IConfiguration>()?.GetSection(SignalsClientOptions.SectionName).Bind(options))
                .ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalsClientOptions>, SignalsClientOptionsValidator>());
        }

        services.Configure<SignalsClientOptions>(options => options.BaseAddress = baseAddress);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SignalsClient>();
        services.Replace(ServiceDescriptor.Singleton<ISignalsClient>(static sp => sp.GetRequiredService<SignalsClient>()));
        return services.AddHttpClient(SignalsClient.HttpClientName, static http => http.Timeout = Timeout.InfiniteTimeSpan);
    }
}
