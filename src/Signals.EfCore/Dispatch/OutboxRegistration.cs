using Microsoft.Extensions.DependencyInjection;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The outbox of one context type in one application, as its registration configured it: the provider, the wake-ups added beside the
/// provider's own, and the link that wakes the dispatcher after local commits. Built by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>
/// and the builder methods chained to it, before the service provider is built; read by the dispatcher, the value store and the
/// context options of the type.
/// </summary>
/// <param name="contextType">The context type.</param>
internal sealed class OutboxRegistration(Type contextType)
{
    /// <summary>Gets the context type.</summary>
    public Type ContextType { get; } = contextType;

    /// <summary>Gets the name of the context type's named options (<see cref="SignalsOutboxOptions"/> and the providers' own): its full name.</summary>
    public string OptionsName { get; } = NameOf(contextType);

    /// <summary>Gets the link between this application's saves of the context type and its dispatcher.</summary>
    public OutboxSignaler Signaler { get; } = new(contextType);

    /// <summary>
    /// Gets or sets the provider a provider package selected on the builder (<c>.UsePostgreSql()</c>), which the context type's options
    /// then use; <see langword="null"/> leaves them as the application configured them (the neutral provider unless its own
    /// <c>UseSignals(…)</c> chose one). The dispatcher and the value store take the provider from the context's options.
    /// </summary>
    public OutboxProvider? Provider { get; set; }

    /// <summary>
    /// Gets or sets the namespace whose database this context is (<c>MapNamespace(name, ns =&gt; ns.UseEntityFrameworkCore&lt;TContext&gt;())</c>):
    /// its outbox ids are that namespace's version line, which moves no settled cursor or resume floor of the hub. <see langword="null"/>
    /// for the app's own outbox.
    /// </summary>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets whether <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c> made this context the app's own outbox.</summary>
    public bool IsAppOutbox { get; set; }

    /// <summary>Gets the wake-ups added beside the provider's own (Redis): each creates its transport when the dispatcher starts.</summary>
    public List<Func<OutboxReaderSettings, IOutboxWakeupTransport>> Wakeups { get; } = [];

    /// <summary>Gets the options name of a context type: its full name.</summary>
    /// <param name="contextType">The context type.</param>
    /// <returns>The name.</returns>
    public static string NameOf(Type contextType) => contextType.FullName ?? contextType.Name;

    /// <summary>Finds the registration an outbox builder configures.</summary>
    /// <param name="builder">The builder returned by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="InvalidOperationException">The builder's services hold no outbox of its context type.</exception>
    public static OutboxRegistration Of(ISignalsOutboxBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Find(builder.Services, builder.ContextType)
            ?? throw new InvalidOperationException(
                $"No Signals outbox is registered for '{builder.ContextType.Name}': call AddSignals().AddEntityFrameworkCoreOutbox<{builder.ContextType.Name}>() first.");
    }

    /// <summary>Finds the registration of a context type in a service collection.</summary>
    /// <param name="services">The services.</param>
    /// <param name="contextType">The context type.</param>
    /// <returns>The registration, or <see langword="null"/>.</returns>
    public static OutboxRegistration? Find(IServiceCollection services, Type contextType)
    {
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(OutboxRegistration) && Equals(descriptor.ServiceKey, contextType))
            {
                return (OutboxRegistration?)descriptor.KeyedImplementationInstance;
            }
        }

        return null;
    }
}
