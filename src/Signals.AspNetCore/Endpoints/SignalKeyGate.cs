using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Signals.AspNetCore.Authorization;
using Signals.AspNetCore.Tenancy;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// What every endpoint does with the keys a request names, before it reads or writes anything: scope them to the request's tenant
/// (<see cref="ISignalTenantResolver"/>, except keys of <see cref="SignalTenancyOptions.SharedNamespaces"/>), authorize each one (the
/// namespace's policy from <see cref="SignalsEndpointOptions.NamespacePolicies"/>, then every <see cref="ISignalAuthorizer"/>), only
/// then check them against the <see cref="SignalCatalog"/>, and last make sure the hub's sources can serve them
/// (<see cref="SignalSourceStatus"/>).
/// </summary>
/// <remarks>
/// <para>Permission comes first, so a caller learns nothing about keys it may not read: a denied key is 403 whether the catalog declares
/// it or not, and only a caller allowed to read every key it named hears that one is undeclared or has an argument its declaration
/// cannot produce (400 <c>unknown-signal</c>, naming the expected form: <see cref="SignalCatalog.Accepts(SignalKey, out SignalDescriptor?, out string?)"/>)
/// or is not a value signal (400 <c>not-a-value-signal</c>). A key that breaks the grammar once scoped to the tenant (it would be too
/// long) is 400 <c>invalid-key</c> before anything else: that depends on the key's length, not on what exists.</para>
/// <para>An admitted request gets 503 <c>source-unavailable</c>, with <c>Retry-After</c> in whole seconds (at least 1), while a source
/// of the hub cannot read its changes (an EF Core outbox whose database lacks the Signals schema): the hub's versions would be an
/// empty, misleading "nothing changed". It comes last, so that a caller learns of the outage only once it may have the keys it named.</para>
/// <para>The first key that fails ends the check with its problem. The tenant resolver and the authorizers are resolved from the
/// request's services, so they may be scoped.</para>
/// </remarks>
internal sealed class SignalKeyGate(
    SignalCatalog catalog,
    IReadOnlyDictionary<string, string> namespacePolicies,
    IReadOnlySet<string> sharedNamespaces,
    SignalSourceStatus sources,
    ILogger logger)
{
    /// <summary>Admits the keys of a request, or says why not.</summary>
    /// <param name="context">The request.</param>
    /// <param name="keys">The keys as the client named them (already well-formed and distinct).</param>
    /// <param name="operation">Whether the request reads or writes them.</param>
    /// <param name="valueSignalsOnly">Whether each key must be a value signal (when the catalog declares any signal).</param>
    /// <param name="endpoint">The endpoint's name, for the log.</param>
    /// <param name="verdict">
    /// For a list of keys the caller reuses across requests: whether the catalog accepted it before (then its keys are not checked against
    /// the same declarations again), recorded when it does now. Used only without a tenant and when <paramref name="valueSignalsOnly"/> is
    /// <see langword="false"/>.
    /// </param>
    /// <returns>The admitted keys, or the problem to answer with.</returns>
    /// <exception cref="OperationCanceledException">The client went away.</exception>
    public async ValueTask<(AdmittedKeys? Keys, SignalsProblem? Problem)> AdmitAsync(
        HttpContext context, IReadOnlyList<SignalKey> keys, SignalOperation operation, bool valueSignalsOnly, string endpoint, CatalogVerdict? verdict = null)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        IServiceProvider services = context.RequestServices;

        string? tenant = null;
        if (services.GetService<ISignalTenantResolver>() is { } resolver)
        {
            tenant = await resolver.ResolveTenantAsync(context, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(tenant))
            {
                return (null, SignalsProblem.TenantRequired());
            }
        }

        // Without a tenant the hub knows the keys as the client named them; so it does the keys of shared namespaces.
        SignalKey[]? scoped = tenant is null ? null : new SignalKey[keys.Count];
        for (int i = 0; scoped is not null && i < keys.Count; i++)
        {
            if (sharedNamespaces.Contains(keys[i].Namespace))
            {
                scoped[i] = keys[i];
            }
            else if (!SignalTenantKeys.TryScope(keys[i], tenant!, out scoped[i], out string? error))
            {
                return (null, SignalsProblem.InvalidKey($"Invalid key {SignalsProblem.Quote(keys[i].Value)}: {error}"));
            }
        }

        if (await FindDeniedAsync(context, keys, tenant, operation).ConfigureAwait(false) is { } denied)
        {
            SignalsEndpointLog.AccessDenied(logger, endpoint, operation, denied, context.User.Identity?.Name);
            return (null, SignalsProblem.Forbidden(denied, operation));
        }

        IReadOnlyList<SignalKey> stored = scoped ?? keys;
        verdict = tenant is null && !valueSignalsOnly ? verdict : null;
        object generation = catalog.Generation;
        bool accepted = verdict?.IsAccepted(generation) == true;
        for (int i = 0; !accepted && !catalog.IsEmpty && i < keys.Count; i++)
        {
            if (!catalog.Accepts(stored[i], out SignalDescriptor? descriptor, out string? error))
            {
                return (null, SignalsProblem.UnknownSignal(keys[i], descriptor is null ? null : error));
            }

            if (valueSignalsOnly && descriptor!.Kind != SignalKind.Value)
            {
                return (null, SignalsProblem.NotAValueSignal(keys[i], descriptor));
            }
        }

        verdict?.Accepted(generation);

        if (sources.IsUnavailable(out TimeSpan retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return (null, SignalsProblem.SourceUnavailable());
        }

        return (new AdmittedKeys(keys, stored, tenant), null);
    }

    private async ValueTask<SignalKey?> FindDeniedAsync(HttpContext context, IReadOnlyList<SignalKey> keys, string? tenant, SignalOperation operation)
    {
        ISignalAuthorizer[] authorizers = [.. context.RequestServices.GetServices<ISignalAuthorizer>()];
        if (authorizers.Length == 0 && namespacePolicies.Count == 0)
        {
            return null;
        }

        // MapSignals checked that IAuthorizationService is registered when there are namespace policies.
        IAuthorizationService? authorization = namespacePolicies.Count == 0 ? null : context.RequestServices.GetRequiredService<IAuthorizationService>();
        foreach (SignalKey key in keys)
        {
            if (authorization is not null
                && namespacePolicies.TryGetValue(key.Namespace, out string? policy)
                && !(await authorization.AuthorizeAsync(context.User, key, policy).ConfigureAwait(false)).Succeeded)
            {
                return key;
            }

            if (authorizers.Length == 0)
            {
                continue;
            }

            var authorizationContext = new SignalAuthorizationContext(context, key, tenant, operation);
            foreach (ISignalAuthorizer authorizer in authorizers)
            {
                if (!await authorizer.IsAllowedAsync(authorizationContext, context.RequestAborted).ConfigureAwait(false))
                {
                    return key;
                }
            }
        }

        return null;
    }
}
