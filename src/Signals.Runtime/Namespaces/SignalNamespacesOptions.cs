namespace Signals;

/// <summary>
/// The namespaces mapped to a store of their own, bound from <c>Signals:Namespaces</c> by <c>AddSignals()</c> and filled by
/// <see cref="SignalNamespacesBuilderExtensions.MapNamespace"/>; validated at start-up.
/// </summary>
/// <remarks>
/// <para>Configuration: <c>"Signals": { "Namespaces": { "presence": { "Store": "InMemory" } } }</c> does what
/// <c>AddSignals().MapNamespace("presence", ns =&gt; ns.UseInMemory())</c> does.</para>
/// <para>Start-up fails (an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming each problem) when a mapped name is
/// not a valid namespace (<c>[A-Za-z0-9_.-]+</c>), when no declared signal (<see cref="SignalCatalog"/>) is in the namespace, when a
/// namespace is mapped twice (in code twice, or in code and in configuration), when an entry names no store, when an entry names
/// <c>EntityFrameworkCore</c> without a context mapped in code, or when one context type is mapped to two namespaces.</para>
/// </remarks>
public sealed class SignalNamespacesOptions
{
    /// <summary>The configuration section the options are bound from: <c>Signals</c> (its <c>Namespaces</c> entry).</summary>
    public const string SectionName = "Signals";

    /// <summary>Gets the mapped namespaces by name (case-sensitive, as in keys); a namespace not listed uses the app's store.</summary>
    public IDictionary<string, SignalNamespaceOptions> Namespaces { get; } = new Dictionary<string, SignalNamespaceOptions>(StringComparer.Ordinal);

    /// <summary>Gets the names <c>MapNamespace</c> found mapped already; reported at start-up.</summary>
    internal List<string> Duplicates { get; } = [];

    /// <summary>Maps <paramref name="name"/>, or records it as a duplicate when it is mapped already.</summary>
    internal void Map(string name, SignalNamespaceStore store, Type? context)
    {
        if (!Namespaces.TryAdd(name, new SignalNamespaceOptions { Store = store, Context = context }))
        {
            Duplicates.Add(name);
        }
    }
}
