namespace Signals;

/// <summary>How one namespace is stored: an entry of <see cref="SignalNamespacesOptions.Namespaces"/>.</summary>
public sealed class SignalNamespaceOptions
{
    /// <summary>Gets or sets the namespace's store; bound from <c>Signals:Namespaces:{name}:Store</c> (e.g. <c>InMemory</c>).</summary>
    /// <remarks><see cref="SignalNamespaceStore.Default"/> (the default) fails at start-up: a mapped namespace must name its store.</remarks>
    public SignalNamespaceStore Store { get; set; }

    /// <summary>
    /// Gets or sets the context type of a namespace stored with <see cref="SignalNamespaceStore.EntityFrameworkCore"/>, set by
    /// <c>UseEntityFrameworkCore&lt;TContext&gt;()</c>; <see langword="null"/> for other stores (and for an entry from configuration).
    /// </summary>
    internal Type? Context { get; set; }
}
