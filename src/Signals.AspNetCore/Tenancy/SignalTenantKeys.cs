namespace Signals.AspNetCore.Tenancy;

/// <summary>The tenant scoping of keys: what the endpoints do to every key when the app registers an <see cref="ISignalTenantResolver"/>.</summary>
/// <remarks>
/// The tenant becomes the key's second segment, escaped like a family argument: <c>chat:room:general</c> of tenant <c>acme</c> is
/// <c>chat:acme:room:general</c>. The namespace stays first, so namespace policies and backends still apply, and a family declared
/// as <c>chat:{TenantId}:room:{RoomId}</c> produces exactly these keys on the write side.
/// </remarks>
public static class SignalTenantKeys
{
    /// <summary>Scopes a key to a tenant.</summary>
    /// <param name="key">The key as a client names it.</param>
    /// <param name="tenant">The tenant id (any non-empty text; <c>:</c>, <c>%</c> and control characters are escaped).</param>
    /// <returns>The key as the hub and the stores know it.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="key"/> is <c>default</c>, <paramref name="tenant"/> is empty or not well-formed UTF-16, or the scoped key exceeds
    /// <see cref="SignalKey.MaxByteCount"/> bytes.
    /// </exception>
    public static SignalKey Scope(SignalKey key, string tenant)
        => TryScope(key, tenant, out SignalKey scoped, out string? error) ? scoped : throw new ArgumentException(error, nameof(key));

    /// <summary>Tries to scope a key to a tenant, and says why it cannot be.</summary>
    /// <param name="key">The key as a client names it.</param>
    /// <param name="tenant">The tenant id.</param>
    /// <param name="scoped">The scoped key, or <c>default</c>.</param>
    /// <param name="error">Why the key cannot be scoped (e.g. it would be too long), or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="scoped"/> was made.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tenant"/> is <see langword="null"/>.</exception>
    public static bool TryScope(SignalKey key, string tenant, out SignalKey scoped, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        scoped = default;
        if (key.IsDefault)
        {
            error = "default(SignalKey) names no signal.";
            return false;
        }

        string ns = key.Namespace;
        SignalKey prefix;
        try
        {
            prefix = SignalKey.Create(ns, tenant);
        }
        catch (ArgumentException exception)
        {
            error = $"The tenant cannot be part of a key: {exception.Message}";
            return false;
        }

        if (!SignalKey.TryParse(string.Concat(prefix.Value, key.Value.AsSpan(ns.Length)), out scoped, out string? parseError))
        {
            error = $"Scoped to its tenant, the key is invalid: {parseError}";
            return false;
        }

        error = null;
        return true;
    }
}
