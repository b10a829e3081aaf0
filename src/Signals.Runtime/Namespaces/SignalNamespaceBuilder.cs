using Microsoft.Extensions.DependencyInjection;

namespace Signals;

/// <summary>Chooses the store of one namespace; passed to the callback of <see cref="SignalNamespacesBuilderExtensions.MapNamespace"/>.</summary>
public sealed class SignalNamespaceBuilder
{
    internal SignalNamespaceBuilder(string name, IServiceCollection services)
    {
        Name = name;
        Services = services;
    }

    /// <summary>Gets the namespace being mapped, e.g. <c>presence</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the application's services, where a store's package registers what the store needs (e.g. a dispatcher).</summary>
    internal IServiceCollection Services { get; }

    /// <summary>Gets the store chosen so far.</summary>
    internal SignalNamespaceStore Store { get; private set; }

    /// <summary>Gets the context type chosen with <see cref="SignalNamespaceStore.EntityFrameworkCore"/>; <see langword="null"/> otherwise.</summary>
    internal Type? Context { get; private set; }

    /// <summary>
    /// Keeps the namespace's versions and values in memory, on this instance only (<see cref="SignalNamespaceStore.InMemory"/>): for
    /// ephemeral signals such as typing indicators and presence. Nothing of them touches the database, and only this instance's
    /// subscribers hear of them; their versions are on a line of their own (see docs/namespaces.md).
    /// </summary>
    /// <returns>This builder.</returns>
    public SignalNamespaceBuilder UseInMemory() => UseStore(SignalNamespaceStore.InMemory, context: null);

    /// <summary>Chooses the store (called by the store packages' extensions, e.g. <c>UseEntityFrameworkCore&lt;TContext&gt;()</c>).</summary>
    /// <param name="store">The store.</param>
    /// <param name="context">The context type of <see cref="SignalNamespaceStore.EntityFrameworkCore"/>; <see langword="null"/> for other stores.</param>
    /// <returns>This builder.</returns>
    internal SignalNamespaceBuilder UseStore(SignalNamespaceStore store, Type? context)
    {
        Store = store;
        Context = context;
        return this;
    }
}
