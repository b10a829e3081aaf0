using Microsoft.Extensions.DependencyInjection.Extensions;
using Signals;
using Signals.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods for registering the in-process Signals client on an <see cref="ISignalsBuilder"/>.</summary>
public static class SignalsBuilderClientExtensions
{
    /// <summary>
    /// Registers the in-process <see cref="EmbeddedSignalsClient"/>, served by this app's <see cref="SignalHub"/> and
    /// <see cref="ISignalValueStore"/>, and makes it the app's <see cref="ISignalsClient"/> unless <c>AddSignalsClient(baseAddress)</c>
    /// registers the HTTP one.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSignals()</c>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// For an app that hosts Signals and also reads its signals through <see cref="ISignalsClient"/> (Blazor Server, background
    /// services, server-side rendering). Idempotent. Whichever of this and <c>AddSignalsClient(baseAddress)</c> is called first, the HTTP
    /// client is the app's <see cref="ISignalsClient"/>; the embedded one stays resolvable as <see cref="EmbeddedSignalsClient"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddEmbeddedClient(this ISignalsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(static sp => new EmbeddedSignalsClient(
            sp.GetRequiredService<SignalHub>(), sp.GetRequiredService<ISignalValueStore>(), sp.GetRequiredService<SignalCatalog>()));
        builder.Services.TryAddSingleton<ISignalsClient>(static sp => sp.GetRequiredService<EmbeddedSignalsClient>());
        return builder;
    }
}
