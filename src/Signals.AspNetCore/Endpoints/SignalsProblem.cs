using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Signals.AspNetCore.Authorization;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>An RFC 9457 problem the endpoints answer with: a status, a stable <see cref="SignalsProblemTypes"/> type, a title and a message.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Type">The stable type URI (one of <see cref="SignalsProblemTypes"/>).</param>
/// <param name="Title">A short summary that depends only on <paramref name="Type"/>.</param>
/// <param name="Detail">What exactly is wrong: the field, the key and the parser's reason, or the limit.</param>
internal sealed record SignalsProblem(int Status, string Type, string Title, string Detail)
{
    private const int MaxQuotedLength = 100;
    private const string ForbiddenTitle = "Access is denied.";

    /// <summary>Gets the problem as an <c>application/problem+json</c> result (through <c>IProblemDetailsService</c> when the app registered one).</summary>
    public ProblemHttpResult ToResult() => TypedResults.Problem(detail: Detail, statusCode: Status, title: Title, type: Type);

    public static SignalsProblem MalformedJson(string detail)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.MalformedJson, "The request body is not valid JSON.", detail);

    public static SignalsProblem InvalidRequest(string detail)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.InvalidRequest, "The request is invalid.", detail);

    public static SignalsProblem InvalidKey(string detail)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.InvalidKey, "A signal key is invalid.", detail);

    public static SignalsProblem InvalidVersion(string detail)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.InvalidVersion, "A known version is invalid.", detail);

    public static SignalsProblem TooManyKeys(string where, int limit)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.TooManyKeys, "The request names too many keys.",
            string.Create(CultureInfo.InvariantCulture,
                $"{where} names more than {limit} keys; at most {limit} are allowed per request (SignalsOptions.MaxKeysPerSubscription)."));

    public static SignalsProblem InvalidCursor(string detail)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.InvalidCursor, "The resume cursor is invalid.", detail);

    public static SignalsProblem BodyTooLarge(long limit, string option)
        => new(StatusCodes.Status413PayloadTooLarge, SignalsProblemTypes.BodyTooLarge, "The request body is too large.",
            string.Create(CultureInfo.InvariantCulture,
                $"The request body is larger than {limit} bytes, the most this endpoint accepts (SignalsEndpointOptions.{option})."));

    /// <summary>A key no declared signal produces.</summary>
    /// <param name="key">The key as the client named it.</param>
    /// <param name="argumentError">
    /// For a key that matches a template with an argument the declaration cannot produce, why (naming the expected form, from
    /// <see cref="SignalCatalog.Accepts(SignalKey, out SignalDescriptor?, out string?)"/>); <see langword="null"/> for a key that matches no pattern.
    /// </param>
    public static SignalsProblem UnknownSignal(SignalKey key, string? argumentError = null)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.UnknownSignal, "A key matches no declared signal.",
            argumentError is null
                ? $"The key {Quote(key.Value)} matches no signal this app declares; GET the catalog for the declared patterns."
                : $"The key {Quote(key.Value)} is not one this app declares: {argumentError}");

    /// <summary>A written value that does not deserialize to the value signal's declared type.</summary>
    public static SignalsProblem InvalidValue(SignalKey key, SignalValueType type, string error)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.InvalidValue, "The value is not of the value signal's type.",
            $"The value for {Quote(key.Value)} is not a {type}: {error} Nothing was stored.");

    /// <summary>A conditional value write whose key is not at the version of its <c>If-Match</c>; never names the current version.</summary>
    public static SignalsProblem VersionConflict(SignalKey key, long expectedVersion)
        => new(StatusCodes.Status412PreconditionFailed, SignalsProblemTypes.VersionConflict, "The value changed since it was read.",
            string.Create(CultureInfo.InvariantCulture,
                $"The key {Quote(key.Value)} is not at version {expectedVersion} (If-Match); nothing was stored or deleted. Read the value again, reapply the change and retry."));

    public static SignalsProblem NotAValueSignal(SignalKey key, SignalDescriptor descriptor)
        => new(StatusCodes.Status400BadRequest, SignalsProblemTypes.NotAValueSignal, "The key is not a value signal.",
            $"The key {Quote(key.Value)} belongs to {Quote(descriptor.Pattern)}, a {descriptor.Kind.ToString().ToLowerInvariant()} signal without a value; only value signals have values.");

    public static SignalsProblem Forbidden(SignalKey key, SignalOperation operation)
        => new(StatusCodes.Status403Forbidden, SignalsProblemTypes.Forbidden, ForbiddenTitle,
            $"The request may not {(operation == SignalOperation.Write ? "write" : "read")} the key {Quote(key.Value)}.");

    public static SignalsProblem TenantRequired()
        => new(StatusCodes.Status403Forbidden, SignalsProblemTypes.Forbidden, ForbiddenTitle,
            "No tenant could be resolved for this request, and every key belongs to a tenant.");

    public static SignalsProblem ValueNotFound(SignalKey key)
        => new(StatusCodes.Status404NotFound, SignalsProblemTypes.ValueNotFound, "No value is stored for the key.",
            $"No value is stored for the key {Quote(key.Value)}: it was never set, or it was deleted.");

    public static SignalsProblem UnsupportedMediaType(string? contentType)
        => new(StatusCodes.Status415UnsupportedMediaType, SignalsProblemTypes.UnsupportedMediaType, "The request body must be JSON.",
            contentType is null
                ? "The request has no Content-Type; send the body as 'application/json' (UTF-8)."
                : $"The Content-Type {Quote(contentType)} is not supported; send the body as 'application/json' (UTF-8).");

    public static SignalsProblem NotFound(string method, string path)
        => new(StatusCodes.Status404NotFound, SignalsProblemTypes.NotFound, "No Signals endpoint is at this path.",
            $"{method} {Quote(path)} matches no Signals endpoint. The endpoints are POST {{prefix}}/sync, GET {{prefix}}/events?key=…, "
            + "GET {prefix}/values/{key}, GET {prefix}/catalog, GET {prefix}/mesh, GET {prefix}/client.js, GET {prefix}/client.d.ts, GET {prefix}/keys.js and GET {prefix}/keys.d.ts "
            + "(PUT and DELETE {prefix}/values/{key} when the app maps value writes).");

    public static SignalsProblem MethodNotAllowed(string method, string path, string allowed)
        => new(StatusCodes.Status405MethodNotAllowed, SignalsProblemTypes.MethodNotAllowed, "The endpoint does not take this method.",
            $"{Quote(path)} does not take {method}; it takes {allowed}.");

    /// <summary>
    /// The problem for an error status a Signals endpoint ended with and without a body: 401 and 403 from the app's authorization, 429
    /// from its rate limiter, 404 from an endpoint that found nothing to serve (a browser module that does not exist).
    /// </summary>
    /// <returns>The problem, or <see langword="null"/> for a status without a Signals type (ASP.NET Core's default problem applies).</returns>
    public static SignalsProblem? ForFrameworkStatus(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => NotFound(context.Request.Method, context.Request.Path.Value ?? ""),
        StatusCodes.Status401Unauthorized => new(StatusCodes.Status401Unauthorized, SignalsProblemTypes.Unauthorized, "Authentication is required.",
            "The Signals endpoints require an authenticated caller; send the credentials the app's authentication scheme expects (see WWW-Authenticate)."),
        StatusCodes.Status403Forbidden => new(StatusCodes.Status403Forbidden, SignalsProblemTypes.Forbidden, ForbiddenTitle,
            "The authorization the app requires on the Signals endpoints denied the request."),
        StatusCodes.Status429TooManyRequests => new(StatusCodes.Status429TooManyRequests, SignalsProblemTypes.TooManyRequests, "Too many requests.",
            "The app's rate limiter refused the request; retry later (after Retry-After, when it is sent)."),
        _ => null,
    };

    public static SignalsProblem SourceUnavailable()
        => new(StatusCodes.Status503ServiceUnavailable, SignalsProblemTypes.SourceUnavailable, "Signals cannot read its changes yet.",
            "The server's database lacks the Signals schema, so it cannot tell what changed; it answers again once the schema is created. " +
            "Retry after the Retry-After delay.");

    public static SignalsProblem VersionsUnreadable()
        => new(StatusCodes.Status503ServiceUnavailable, SignalsProblemTypes.SourceUnavailable, "Signals cannot read its changes now.",
            "The server could not read the versions of keys it does not hold from its database; nothing was changed. Retry after the Retry-After delay.");

    public static SignalsProblem StreamsNotServed()
        => new(StatusCodes.Status503ServiceUnavailable, SignalsProblemTypes.SourceUnavailable, "This instance serves no event streams.",
            "The server runs stateless (no dispatcher feeds it changes): use sync with 'wait' (the long-poll) instead of the event stream.");

    public static SignalsProblem CursorFormNotServed()
        => new(StatusCodes.Status503ServiceUnavailable, SignalsProblemTypes.SourceUnavailable, "This instance serves no cursor form of sync.",
            "The server runs stateless (it keeps no position in the change feed): use sync with 'known' (POST {prefix}/sync), whose answer then carries no 'cursor'.");

    /// <summary>Quotes client-supplied text for a message: JSON-style quotes, at most 100 characters.</summary>
    public static string Quote(string text)
        => text.Length <= MaxQuotedLength ? $"\"{text}\"" : string.Concat("\"", text.AsSpan(0, MaxQuotedLength), "\"…");
}
