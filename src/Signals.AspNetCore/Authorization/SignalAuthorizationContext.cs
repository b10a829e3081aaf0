using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Signals.AspNetCore.Authorization;

/// <summary>One key of one request, as an <see cref="ISignalAuthorizer"/> sees it.</summary>
/// <param name="httpContext">The request.</param>
/// <param name="key">The key as the client named it (before any tenant scoping).</param>
/// <param name="tenant">The request's tenant, when the app registered an <c>ISignalTenantResolver</c>; otherwise <see langword="null"/>.</param>
/// <param name="operation">Whether the request reads or writes the key.</param>
public sealed class SignalAuthorizationContext(HttpContext httpContext, SignalKey key, string? tenant, SignalOperation operation)
{
    /// <summary>Gets the request.</summary>
    public HttpContext HttpContext { get; } = httpContext ?? throw new ArgumentNullException(nameof(httpContext));

    /// <summary>Gets the request's user (<see cref="HttpContext.User"/>).</summary>
    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>Gets the key as the client named it; its <see cref="SignalKey.Namespace"/> is the unit most apps authorize by.</summary>
    public SignalKey Key { get; } = key;

    /// <summary>Gets the request's tenant, or <see langword="null"/> when the app does not scope keys per tenant.</summary>
    public string? Tenant { get; } = tenant;

    /// <summary>Gets whether the request reads or writes the key.</summary>
    public SignalOperation Operation { get; } = operation;
}
