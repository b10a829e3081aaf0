namespace Signals;

/// <summary>Chooses the store of one namespace; passed to the callback of <see cref="SignalNamespacesBuilderExtensions.MapNamespace"/>.</summary>
public sealed class SignalNamespaceBuilder
{
    internal SignalNamespaceBuilder(string name) => Name = name;

    /// <summary>Gets the namespace being mapped, e.g. <c>presence</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the store chosen so far.</summary>
    internal SignalNamespaceStore Store { get; private set; }

    /// <summary>
    /// Keeps the namespace's versions and values in memory, on this instance only (<see cref="SignalNamespaceStore.InMemory"/>): for
    /// ephemeral signals such as typing indicators and presence. Nothing of them touches the database, and only this instance's
    /// subscribers hear of them; their versions are on a line of their own (see docs/namespaces.md).
    /// </summary>
    /// <returns>This builder.</returns>
    public SignalNamespaceBuilder UseInMemory()
    {
        Store = SignalNamespaceStore.InMemory;
        return this;
    }
}
