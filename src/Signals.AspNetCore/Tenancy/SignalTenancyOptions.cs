using System.ComponentModel.DataAnnotations;

namespace Signals.AspNetCore.Tenancy;

/// <summary>
/// Options for tenant scoping (<c>AddTenantResolver(…)</c>): which key namespaces are shared by every tenant, all others being per
/// tenant.
/// </summary>
/// <remarks>
/// <para>Configure them with <c>AddTenantResolver(resolve, o =&gt; o.SharedNamespaces.Add("shop"))</c>, or in the <c>Signals:Tenancy</c>
/// configuration section (<c>"SharedNamespaces": ["shop"]</c>). Read once, when <c>MapSignals()</c> runs; validated at start-up and when first read.
/// They apply only when the app registers an <see cref="ISignalTenantResolver"/>.</para>
/// </remarks>
public sealed class SignalTenancyOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from: <c>Signals:Tenancy</c>.</summary>
    public const string SectionName = "Signals:Tenancy";

    /// <summary>
    /// Gets the namespaces whose keys every tenant shares (a product list, app settings): a key of such a namespace reaches the hub
    /// and the value store as the client names it, not scoped to the request's tenant.
    /// </summary>
    /// <remarks>
    /// <para>Empty by default: every namespace is per tenant, so <c>chat:room:general</c> of tenant <c>acme</c> is
    /// <c>chat:acme:room:general</c> (<see cref="SignalTenantKeys.Scope"/>). Each entry must be one literal key segment
    /// (<c>[A-Za-z0-9_.-]+</c>); namespaces are compared ordinally.</para>
    /// <para>Writers of shared keys use them unscoped (<c>Product.Keys.All</c>); the catalog (<c>GET {prefix}/catalog</c>) lists a shared
    /// namespace's signals as declared, and a per-tenant namespace's signals as clients name them (without the tenant segment).
    /// Reading a shared key is still authorized per key: a namespace policy or an <c>ISignalAuthorizer</c> applies as to any other key.</para>
    /// </remarks>
    public ISet<string> SharedNamespaces { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <remarks>Checks that every <see cref="SharedNamespaces"/> entry is one literal key segment.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (string? ns in SharedNamespaces)
        {
            if (ns is null || !SignalKey.TryParse(ns, out SignalKey key, out _) || key.Namespace != ns)
            {
                yield return new ValidationResult(
                    $"{nameof(SignalTenancyOptions)}.{nameof(SharedNamespaces)} has \"{ns}\", which is not a namespace (one literal key segment, [A-Za-z0-9_.-]+).",
                    [nameof(SharedNamespaces)]);
            }
        }
    }
}
