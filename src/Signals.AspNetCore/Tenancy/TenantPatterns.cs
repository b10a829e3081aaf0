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

        forClients = descriptor with { Pattern = end < 0 ? ns : string.Concat(ns, pattern.AsSpan(end)) };
        return true;
    }
}
