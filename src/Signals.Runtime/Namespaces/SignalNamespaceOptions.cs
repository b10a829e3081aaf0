namespace Signals;

/// <summary>How one namespace is stored: an entry of <see cref="SignalNamespacesOptions.Namespaces"/>.</summary>
public sealed class SignalNamespaceOptions
{
    /// <summary>Gets or sets the namespace's store; bound from <c>Signals:Namespaces:{name}:Store</c> (e.g. <c>InMemory</c>).</summary>
    /// <remarks><see cref="SignalNamespaceStore.Default"/> (the default) fails at start-up: a mapped namespace must name its store.</remarks>
    public SignalNamespaceStore Store { get; set; }
}
