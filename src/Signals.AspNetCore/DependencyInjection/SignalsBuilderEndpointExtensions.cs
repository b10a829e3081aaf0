using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Signals;
using Signals.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods for configuring the Signals HTTP endpoints on an <see cref="ISignalsBuilder"/>.</summary>
public static class SignalsBuilderEndpointExtensions
{
    /// <summary>
    /// Registers <see cref="SignalsEndpointOptions"/> for the endpoints <c>MapSignals()</c> maps: binds the <c>Signals:Endpoints</c>
    /// configuration section, validates the options at start-up, and applies <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSignals()</c>.</param>
    /// <param name="configure">Configures the options; runs after the configuration section is bound. Optional.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// Optional: <c>MapSignals()</c> works with the defaults without it. Idempotent: the binding and validation are added once;
    /// each <paramref name="configure"/> is applied, in call order.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddHttpEndpoints(this ISignalsBuilder builder, Action<SignalsEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (!services.Any(static d => d.ServiceType == typeof(IValidateOptions<SignalsEndpointOptions>) && d.ImplementationInstance is SignalsEndpointOptionsValidator))
        {
            services.AddOptions<SignalsEndpointOptions>().BindConfiguration("Signals:Endpoints").ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalsEndpointOptions>>(SignalsEndpointOptionsValidator.Instance));
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
