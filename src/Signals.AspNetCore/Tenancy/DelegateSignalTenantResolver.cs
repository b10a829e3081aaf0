using Microsoft.AspNetCore.Http;

namespace Signals.AspNetCore.Tenancy;

/// <summary>An <see cref="ISignalTenantResolver"/> over a function, for <c>AddTenantResolver(http =&gt; …)</c>.</summary>
internal sealed class DelegateSignalTenantResolver(Func<HttpContext, string?> resolve) : ISignalTenantResolver
{
    public ValueTask<string?> ResolveTenantAsync(HttpContext context, CancellationToken cancellationToken)
        => ValueTask.FromResult(resolve(context));
}
