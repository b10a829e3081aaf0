using Microsoft.Extensions.Logging;

namespace Signals.AspNetCore.Endpoints;

/// <summary>The endpoints' log messages (category <see cref="Category"/>), through the logging source generator.</summary>
internal static partial class SignalsEndpointLog
{
    /// <summary>The logger category of every Signals endpoint.</summary>
    public const string Category = "Signals.AspNetCore";

    [LoggerMessage(1, LogLevel.Debug, "{Endpoint} rejected a request with {StatusCode} {ProblemType}: {Detail}")]
    public static partial void RequestRejected(ILogger logger, string endpoint, int statusCode, string problemType, string detail);

    [LoggerMessage(2, LogLevel.Information, "{Endpoint} denied {Operation} access to the key {Key} for {User}")]
    public static partial void AccessDenied(ILogger logger, string endpoint, Authorization.SignalOperation operation, SignalKey key, string? user);

    [LoggerMessage(3, LogLevel.Debug, "Event stream opened for {KeyCount} keys after cursor {Cursor}")]
    public static partial void StreamOpened(ILogger logger, int keyCount, long cursor);

    [LoggerMessage(4, LogLevel.Debug, "Event stream closed after {EventCount} events ({Reason})")]
    public static partial void StreamClosed(ILogger logger, long eventCount, string reason);

    [LoggerMessage(5, LogLevel.Information, "Value of {Key} set over HTTP: version {Version}")]
    public static partial void ValueSet(ILogger logger, SignalKey key, long version);

    [LoggerMessage(6, LogLevel.Information, "Value of {Key} deleted over HTTP")]
    public static partial void ValueDeleted(ILogger logger, SignalKey key);

    [LoggerMessage(7, LogLevel.Warning, "The Signals endpoints at {Prefix} are mapped without authorization: anyone who can reach them can read every key's version and every value signal's value. "
        + "Add RequireAuthorization(…) to the group MapSignals() returns, an ISignalAuthorizer (AddSignalAuthorizer<T>()) or SignalsEndpointOptions.NamespacePolicies; "
        + "or, if they are meant to be public, say so with MapSignals().AllowAnonymous().")]
    public static partial void EndpointsArePublic(ILogger logger, string prefix);

    [LoggerMessage(8, LogLevel.Warning, "No client can name these signals through the Signals endpoints: their namespace is per tenant, but the segment after the namespace is not a placeholder for the tenant: {Signals}. "
        + "Declare the namespace shared (AddTenantResolver(…, o => o.SharedNamespaces.Add(…)), or the Signals:Tenancy:SharedNamespaces setting), or put the tenant right after the namespace (e.g. shop:{{TenantId}}:products).")]
    public static partial void UnreachableTenantSignals(ILogger logger, string signals);

    [LoggerMessage(9, LogLevel.Warning, "The versions of keys the hub does not hold could not be read from the database; the request got 503")]
    public static partial void VersionsUnreadable(ILogger logger, Exception exception);
}
