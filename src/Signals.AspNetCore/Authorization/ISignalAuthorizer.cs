namespace Signals.AspNetCore.Authorization;

/// <summary>
/// Decides, per key, whether a request may read (or write) it: the per-key and per-namespace authorization of every Signals endpoint.
/// </summary>
/// <remarks>
/// <para>Register implementations with <c>services.AddSignals().AddSignalAuthorizer&lt;T&gt;()</c> (any lifetime; they are resolved
/// from the request's services). Every registered authorizer must allow a key, and so must the key namespace's policy in
/// <see cref="SignalsEndpointOptions.NamespacePolicies"/> when there is one.</para>
/// <para>Applied to every key a request names, before anything is read: sync (before the diff and the long-poll), the event stream
/// (once, at subscribe: a stream is not re-checked later), and values. One denied key fails the whole request with 403
/// (<c>https://signals.dev/problems/forbidden</c>, naming the key), so a client never learns the version or the value of a key it may
/// not read — not even whether it changed.</para>
/// </remarks>
public interface ISignalAuthorizer
{
    /// <summary>Tells whether the request may perform <see cref="SignalAuthorizationContext.Operation"/> on <see cref="SignalAuthorizationContext.Key"/>.</summary>
    /// <param name="context">The request and the key.</param>
    /// <param name="cancellationToken">The request's <see cref="Microsoft.AspNetCore.Http.HttpContext.RequestAborted"/>.</param>
    /// <returns><see langword="true"/> to allow; <see langword="false"/> to answer 403.</returns>
    ValueTask<bool> IsAllowedAsync(SignalAuthorizationContext context, CancellationToken cancellationToken);
}
