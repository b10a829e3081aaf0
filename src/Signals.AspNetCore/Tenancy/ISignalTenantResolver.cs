using Microsoft.AspNetCore.Http;

namespace Signals.AspNetCore.Tenancy;

/// <summary>
/// Finds the tenant of a request (from the user's claims, the host name, a header the gateway sets, …), so the Signals endpoints keep
/// each tenant's keys, versions and values apart.
/// </summary>
/// <remarks>
/// <para>Register one with <c>services.AddSignals().AddTenantResolver&lt;T&gt;()</c> or <c>.AddTenantResolver(http =&gt; …)</c>.
/// With a resolver, every key a client names is scoped to its tenant before it reaches the hub or the value store:
/// <c>chat:room:general</c> of tenant <c>acme</c> is stored as <c>chat:acme:room:general</c> (see <see cref="SignalTenantKeys.Scope"/>),
/// and answers name the key as the client did. A client therefore cannot name, or observe, another tenant's keys.</para>
/// <para>The app's writers use the same scoped keys: a family whose first placeholder is the tenant
/// (<c>[SignalFamily("{TenantId}:room:{RoomId}")]</c> in namespace <c>chat</c>) produces them, as does
/// <see cref="SignalTenantKeys.Scope"/>.</para>
/// </remarks>
public interface ISignalTenantResolver
{
    /// <summary>Finds the request's tenant.</summary>
    /// <param name="context">The request.</param>
    /// <param name="cancellationToken">The request's <see cref="HttpContext.RequestAborted"/>.</param>
    /// <returns>The tenant id, any non-empty text; <see langword="null"/> or empty when there is none, which answers 403.</returns>
    ValueTask<string?> ResolveTenantAsync(HttpContext context, CancellationToken cancellationToken);
}
