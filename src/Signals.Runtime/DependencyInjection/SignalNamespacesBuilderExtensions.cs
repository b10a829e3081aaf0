using Microsoft.Extensions.DependencyInjection;

namespace Signals;

/// <summary>Maps namespaces to stores of their own on an <see cref="ISignalsBuilder"/>.</summary>
public static class SignalNamespacesBuilderExtensions
{
    /// <summary>
    /// Maps a namespace to a store of its own, e.g. <c>services.AddSignals().MapNamespace("presence", ns =&gt; ns.UseInMemory())</c> or
    /// <c>MapNamespace("tenant-acme", ns =&gt; ns.UseEntityFrameworkCore&lt;AcmeDbContext&gt;())</c>:
    /// writes of the namespace's keys through <see cref="ISignalStore"/>, <see cref="ISignalValueStore"/> (and so the value endpoints,
    /// producers' emits and <c>InvalidateSignalsAsync</c>) go to that store, and the hub serves them beside the other keys.
    /// </summary>
    /// <param name="builder">The Signals builder.</param>
    /// <param name="name">The namespace: the first segment of its keys (<c>[A-Za-z0-9_.-]+</c>), declared by some signal.</param>
    /// <param name="configure">
    /// Chooses the store: <see cref="SignalNamespaceBuilder.UseInMemory"/>, or <c>UseEntityFrameworkCore&lt;TContext&gt;()</c> (package
    /// Signals.EntityFrameworkCore) for a database of its own.
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>
    /// Same as <c>Signals:Namespaces:{name}:Store</c> in configuration (<see cref="SignalNamespacesOptions"/>). A namespace mapped twice,
    /// one no declared signal uses, one whose callback chose no store, or a context type mapped to two namespaces fails at start-up with an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names it.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one key segment (empty, or holds a character outside <c>[A-Za-z0-9_.-]</c>).</exception>
    public static ISignalsBuilder MapNamespace(this ISignalsBuilder builder, string name, Action<SignalNamespaceBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        if (!SignalKeyGrammar.IsLiteralSegment(name))
        {
            throw new ArgumentException($"'{name}' is not a namespace: a namespace is one key segment of letters, digits, '_', '.' or '-'.", nameof(name));
        }

        var ns = new SignalNamespaceBuilder(name, builder.Services);
        configure(ns);
        builder.Services.Configure<SignalNamespacesOptions>(o => o.Map(name, ns.Store, ns.Context));
        return builder;
    }
}
