namespace Signals.Protocol;

/// <summary>
/// The stable <c>type</c> URIs of the RFC 9457 <c>application/problem+json</c> errors the Signals endpoints answer with.
/// </summary>
/// <remarks>
/// <para>Match on these, not on <c>title</c> or <c>detail</c>: the human messages may be reworded, the types never change.
/// Every type is <c>https://signals.dev/problems/{name}</c>; the URIs identify the problem and are not guaranteed to resolve.</para>
/// <para>Statuses the framework produces for the Signals endpoints (401, 403, 429 from the app's authorization and rate limiting, 404
/// and 405 inside the prefix) carry these types too, when the app calls <c>AddHttpEndpoints()</c> (which <c>MapSignals()</c> requires).
/// Any other empty error status of a Signals endpoint becomes problem+json with ASP.NET Core's default type for the status. Kestrel
/// answers a request line or headers above its limits (414, 431) itself, before any app code runs, with no body.</para>
/// </remarks>
public static class SignalsProblemTypes
{
    /// <summary>The body is not well-formed JSON (status 400).</summary>
    public const string MalformedJson = "https://signals.dev/problems/malformed-json";

    /// <summary>
    /// A field is missing, has the wrong JSON type, or a value outside its range — other than a key or a version (status 400). Also a
    /// malformed <c>If-Match</c> header on a value write (it must be one strong entity tag holding a version, <c>"42"</c>).
    /// </summary>
    public const string InvalidRequest = "https://signals.dev/problems/invalid-request";

    /// <summary>A key breaks the key grammar; the detail names the key and the offending character and position (status 400).</summary>
    public const string InvalidKey = "https://signals.dev/problems/invalid-key";

    /// <summary>A known version is not a JSON integer between 0 and 2^63-1 (status 400).</summary>
    public const string InvalidVersion = "https://signals.dev/problems/invalid-version";

    /// <summary>A request names more keys than the server allows (status 400); the detail states the limit.</summary>
    public const string TooManyKeys = "https://signals.dev/problems/too-many-keys";

    /// <summary>A resume cursor (<c>Last-Event-ID</c> or <c>lastEventId</c>) is not an integer ≥ 0 (status 400).</summary>
    public const string InvalidCursor = "https://signals.dev/problems/invalid-cursor";

    /// <summary>The request body is larger than the server allows (status 413); the detail states the limit.</summary>
    public const string BodyTooLarge = "https://signals.dev/problems/body-too-large";

    /// <summary>The request body is not <c>application/json</c> in UTF-8 (status 415).</summary>
    public const string UnsupportedMediaType = "https://signals.dev/problems/unsupported-media-type";

    /// <summary>
    /// A well-formed key is not one the app declares in its <see cref="SignalCatalog"/> (status 400): it matches no declared pattern, or
    /// it matches a template with an argument the declaration cannot produce (<c>shop:status:paid</c> where the enum member is
    /// <c>Paid</c>; <c>abc</c> for an <see cref="int"/> placeholder). The detail names the key and, for an argument, the expected form
    /// (<see cref="SignalCatalog.Accepts(SignalKey, out SignalDescriptor?, out string?)"/>).
    /// </summary>
    public const string UnknownSignal = "https://signals.dev/problems/unknown-signal";

    /// <summary>
    /// A value written with <c>PUT {prefix}/values/{key}</c> does not deserialize to the value signal's declared type
    /// (<see cref="SignalDescriptor.ValueType"/>), so every typed reader would fail on it (status 400). The detail names the type and the
    /// serializer's first error with its JSON path; nothing is stored.
    /// </summary>
    public const string InvalidValue = "https://signals.dev/problems/invalid-value";

    /// <summary>
    /// A conditional value write (<c>PUT {prefix}/values/{key}</c> with <c>If-Match: "&lt;version&gt;"</c>) found the key at another
    /// version: another writer changed (or deleted) the value since the caller read it, or <c>"0"</c> was sent and a value is stored
    /// (status 412). Nothing was written; read the value again (its <c>ETag</c> is the current version), reapply the change and retry.
    /// The detail names the key and the version sent, never the current version.
    /// </summary>
    public const string VersionConflict = "https://signals.dev/problems/version-conflict";

    /// <summary>A values request names a key the app declares, but not as a value signal (status 400); the detail names the key.</summary>
    public const string NotAValueSignal = "https://signals.dev/problems/not-a-value-signal";

    /// <summary>
    /// The caller may not read (or write) a key it named, no tenant could be resolved for the request, or the authorization the app
    /// requires on the Signals endpoints (<c>RequireAuthorization(policy)</c>) denied the signed-in caller (status 403). The detail names
    /// the key when there is one; it never reveals the key's version or value, nor whether the catalog declares it.
    /// </summary>
    public const string Forbidden = "https://signals.dev/problems/forbidden";

    /// <summary>
    /// The Signals endpoints require an authenticated caller (the app's <c>RequireAuthorization()</c> or fallback policy) and the request
    /// has no valid credentials (status 401). The app's authentication scheme sets <c>WWW-Authenticate</c>.
    /// </summary>
    public const string Unauthorized = "https://signals.dev/problems/unauthorized";

    /// <summary>No Signals endpoint is mapped at the request's path inside the Signals prefix (status 404); the detail lists the endpoints.</summary>
    public const string NotFound = "https://signals.dev/problems/not-found";

    /// <summary>The path is a Signals endpoint, but not for the request's method (status 405); the <c>Allow</c> header and the detail name the methods it takes.</summary>
    public const string MethodNotAllowed = "https://signals.dev/problems/method-not-allowed";

    /// <summary>The app's rate limiter (<c>RequireRateLimiting(…)</c> on the Signals group) refused the request (status 429).</summary>
    public const string TooManyRequests = "https://signals.dev/problems/too-many-requests";

    /// <summary>No value is stored for the key (status 404): it was never set, or was deleted. Readers use their default.</summary>
    public const string ValueNotFound = "https://signals.dev/problems/value-not-found";

    /// <summary>
    /// The server cannot read the changes it serves, because its database lacks the Signals schema (status 503, with a
    /// <c>Retry-After</c> header in seconds). Sync, events and values answer this instead of an empty "nothing changed" until the
    /// operator creates the schema; the server then recovers by itself. The detail never names database objects; the server's health
    /// check and log say what to do.
    /// </summary>
    public const string SourceUnavailable = "https://signals.dev/problems/source-unavailable";
}
