namespace Signals.AspNetCore.Tenancy;

/// <summary>
/// Declared signals as clients of a tenant-scoping app name them: a shared namespace's as declared, a per-tenant namespace's without
/// the tenant segment (<c>chat:{TenantId}:room:{RoomId}</c> is named <c>chat:room:{RoomId}</c>).
/// </summary>
internal static class TenantPatterns
{
    /// <summary>Gets a declared signal as clients name it.</summary>
    /// <param name="descriptor">The declared signal.</param>
    /// <param name="sharedNamespaces">The namespaces every tenant shares.</param>
    /// <param name="forClients">The signal with the pattern clients use, or <see langword="null"/>.</param>
    /// <returns>
    /// <see langword="false"/> when no client can name the signal: its namespace is per tenant, but the segment after the namespace is not
    /// a placeholder, so no tenant-scoped key (<see cref="SignalTenantKeys.Scope"/>) matches it.
    /// </returns>
    public static bool TryGetClientView(SignalDescriptor descriptor, IReadOnlySet<string> sharedNamespaces, out SignalDescriptor? forClients)
    {
        string ns = descriptor.Namespace;
        if (sharedNamespaces.Contains(ns))
        {
            forClients = descriptor;
            return true;
        }

        // The tenant is the segment after the namespace: "ns:{Tenant}" or "ns:{Tenant}:rest".
        string pattern = descriptor.Pattern;
        int start = ns.Length + 1;
        int end = start < pattern.Length ? pattern.IndexOf(SignalKey.Separator, start) : -1;
        ReadOnlySpan<char> segment = start < pattern.Length ? pattern.AsSpan(start, (end < 0 ? pattern.Length : end) - start) : [];
        if (segment.Length < 3 || segment[0] != '{' || segment[^1] != '}')
        {
            forClients = null;
            return false;
        }

        // The tenant is the template's first placeholder: clients name the rest.
        forClients = new SignalDescriptor(
            end < 0 ? ns : string.Concat(ns, pattern.AsSpan(end)), descriptor.ClrType, descriptor.Kind, [.. descriptor.Placeholders.Skip(1)])
        {
            ValueType = descriptor.ValueType,
        };
        return true;
    }

    /// <summary>Gets the declared signals as clients name them (<paramref name="tenancy"/> is <see langword="null"/>: as declared).</summary>
    /// <param name="descriptors">The catalog's signals, sorted.</param>
    /// <param name="tenancy">The tenancy options when the app scopes keys per tenant, else <see langword="null"/>.</param>
    /// <param name="sharedNamespaces">The namespaces every tenant shares.</param>
    /// <returns>The signals clients can name, sorted as the catalog is (by pattern, then CLR type).</returns>
    public static IReadOnlyList<SignalDescriptor> GetClientView(IReadOnlyList<SignalDescriptor> descriptors, SignalTenancyOptions? tenancy, IReadOnlySet<string> sharedNamespaces)
    {
        if (tenancy is null)
        {
            return descriptors;
        }

        List<SignalDescriptor> forClients = new(descriptors.Count);
        foreach (SignalDescriptor descriptor in descriptors)
        {
            if (TryGetClientView(descriptor, sharedNamespaces, out SignalDescriptor? view))
            {
                forClients.Add(view!);
            }
        }

        // Sorted again (as the catalog is): removing the tenant segment can change the order.
        forClients.Sort(static (a, b) => a.Pattern != b.Pattern
            ? string.CompareOrdinal(a.Pattern, b.Pattern)
            : string.CompareOrdinal(a.ClrType, b.ClrType));
        return forClients;
    }
}
