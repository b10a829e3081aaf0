using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Signals.AspNetCore.Authorization;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// <c>GET {prefix}/values/{key}</c> reads a value signal's value; <c>PUT</c> and <c>DELETE</c> on the same route (mapped only by
/// <c>MapSignalValueWrites()</c>) set and delete it. All go through <see cref="ISignalValueStore"/>, resolved from the request.
/// </summary>
/// <remarks>
/// <para>The key is the rest of the path, so keys whose arguments hold <c>/</c> need no escaping; a <c>%</c> in a key is sent as
/// <c>%25</c>. A <c>/</c> escaped as <c>%2F</c>, as <c>encodeURIComponent</c> and <see cref="Uri.EscapeDataString(string)"/> send it,
/// is read as <c>/</c> (the server decodes every other escape of the path, but not that one). The key passes the
/// <see cref="SignalKeyGate"/> first (tenant, catalog — it must be a value signal when the app declares any —, authorization), so a
/// caller that may not read a key gets 403 whether or not a value is stored.</para>
/// <para>A written value must deserialize to the value signal's declared type (<see cref="SignalDescriptor.ValueType"/>, checked as the
/// typed readers read it), else 400 <c>invalid-value</c> names the type and the first error, and nothing is stored.</para>
/// <para>Answers are <see cref="SignalValueResponse"/> (<c>{key, version, hash, updatedAt, value}</c>) with <c>Cache-Control: no-cache</c>
/// and the version as a strong <c>ETag</c> (<c>"42"</c>); no stored value is 404 (<c>value-not-found</c>), so readers fall back to their
/// default.</para>
/// <para>A <c>PUT</c> with <c>If-Match: "42"</c> stores the value only if the key is still at version 42 (<c>"0"</c>: only if nothing is
/// stored), as one compare-and-set in the store (<see cref="ISignalValueStore.TrySetAsync"/>); otherwise it answers 412
/// <c>version-conflict</c> and changes nothing. A malformed <c>If-Match</c> is 400 <c>invalid-request</c> (see <see cref="IfMatch"/>).</para>
/// </remarks>
internal static class ValuesEndpoint
{
    public const string GetName = "Signals value";
    public const string SetName = "Signals value write";
    public const string DeleteName = "Signals value delete";

    private const int MaxValueDepth = 64;

    public static async Task<Results<JsonHttpResult<SignalValueResponse>, ProblemHttpResult, EmptyHttpResult>> GetAsync(
        HttpContext context, string key, SignalsEndpointServices services)
    {
        try
        {
            (SignalKey requested, SignalKey stored, SignalsProblem? problem) = await AdmitAsync(context, key, SignalOperation.Read, GetName, services).ConfigureAwait(false);
            if (problem is not null)
            {
                return services.Reject(GetName, problem);
            }

            SignalValue<JsonElement>? value = await Store(context).GetAsync(stored, context.RequestAborted).ConfigureAwait(false);
            return value is null ? services.Reject(GetName, SignalsProblem.ValueNotFound(requested)) : Answer(context, requested, value);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }
    }

    public static async Task<Results<JsonHttpResult<SignalValueResponse>, ProblemHttpResult, EmptyHttpResult>> SetAsync(
        HttpContext context, string key, SignalsEndpointServices services)
    {
        try
        {
            (SignalKey requested, SignalKey stored, long? expectedVersion, SignalsProblem? problem) = await AdmitWriteAsync(context, key, SetName, services)
                .ConfigureAwait(false);
            if (problem is not null)
            {
                return services.Reject(SetName, problem);
            }

            (JsonValueBody? body, problem) = await JsonRequestBody.ReadAsync<JsonValueBody>(
                context.Request, services.Options.MaxValueBodySize, nameof(SignalsEndpointOptions.MaxValueBodySize), ReadValue, context.RequestAborted)
                .ConfigureAwait(false);
            if (problem is not null)
            {
                return services.Reject(SetName, problem);
            }

            // The key passed the gate, so the catalog is empty or a declared value signal produces it; a declared type checks the value.
            _ = services.Catalog.Accepts(stored, out SignalDescriptor? descriptor, out _);
            if (descriptor?.ValueType is { } valueType && !valueType.Accepts(body!.Value, out string? error))
            {
                return services.Reject(SetName, SignalsProblem.InvalidValue(requested, valueType, error));
            }

            ISignalValueStore store = Store(context);
            SignalValue<JsonElement>? value = expectedVersion is { } expected
                ? await store.TrySetAsync(stored, body!.Value, expected, context.RequestAborted).ConfigureAwait(false)
                : await store.SetAsync(stored, body!.Value, context.RequestAborted).ConfigureAwait(false);
            if (value is null)
            {
                return services.Reject(SetName, SignalsProblem.VersionConflict(requested, expectedVersion!.Value));
            }

            SignalsEndpointLog.ValueSet(services.Logger, stored, value.Version);
            return Answer(context, requested, value);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult, EmptyHttpResult>> DeleteAsync(
        HttpContext context, string key, SignalsEndpointServices services)
    {
        try
        {
            (SignalKey requested, SignalKey stored, long? expectedVersion, SignalsProblem? problem) = await AdmitWriteAsync(context, key, DeleteName, services)
                .ConfigureAwait(false);
            if (problem is not null)
            {
                return services.Reject(DeleteName, problem);
            }

            ISignalValueStore store = Store(context);
            if (expectedVersion is { } expected)
            {
                if (!await store.TryDeleteAsync(stored, expected, context.RequestAborted).ConfigureAwait(false))
                {
                    // Not at the expected version: 412 as a PUT's conflict (naming no version). "0" (nothing stored) holds for a key
                    // without a value, which then has nothing to delete: 404.
                    bool nothingStored = expected == 0 && await store.GetAsync(stored, context.RequestAborted).ConfigureAwait(false) is null;
                    return services.Reject(
                        DeleteName, nothingStored ? SignalsProblem.ValueNotFound(requested) : SignalsProblem.VersionConflict(requested, expected));
                }
            }
            else if (!await store.DeleteAsync(stored, context.RequestAborted).ConfigureAwait(false))
            {
                return services.Reject(DeleteName, SignalsProblem.ValueNotFound(requested));
            }

            SignalsEndpointLog.ValueDeleted(services.Logger, stored);
            return TypedResults.NoContent();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }
    }

    private static ISignalValueStore Store(HttpContext context) => context.RequestServices.GetRequiredService<ISignalValueStore>();

    private static async ValueTask<(SignalKey Requested, SignalKey Stored, SignalsProblem? Problem)> AdmitAsync(
        HttpContext context, string value, SignalOperation operation, string endpoint, SignalsEndpointServices services)
    {
        // A canonical key never holds "%2F" ('/' is not escaped in keys), so it can only be a '/' the path left escaped.
        value = value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

        if (!SignalKey.TryParse(value, out SignalKey key, out string? error))
        {
            return (default, default, SignalsProblem.InvalidKey($"Invalid key {SignalsProblem.Quote(value)} in the path: {error}"));
        }

        (AdmittedKeys? keys, SignalsProblem? problem) = await services.Gate.AdmitAsync(context, [key], operation, valueSignalsOnly: true, endpoint)
            .ConfigureAwait(false);
        return problem is not null ? (key, default, problem) : (key, keys!.Stored[0], null);
    }

    /// <summary>Admits a write of the key in the path (see <see cref="AdmitAsync"/>) and reads its <c>If-Match</c> precondition.</summary>
    private static async ValueTask<(SignalKey Requested, SignalKey Stored, long? ExpectedVersion, SignalsProblem? Problem)> AdmitWriteAsync(
        HttpContext context, string value, string endpoint, SignalsEndpointServices services)
    {
        (SignalKey requested, SignalKey stored, SignalsProblem? problem) = await AdmitAsync(context, value, SignalOperation.Write, endpoint, services)
            .ConfigureAwait(false);
        if (problem is not null)
        {
            return (requested, stored, null, problem);
        }

        return IfMatch.TryRead(context.Request, out long? expectedVersion, out string? error)
            ? (requested, stored, expectedVersion, null)
            : (requested, stored, null, SignalsProblem.InvalidRequest(error));
    }

    private static JsonHttpResult<SignalValueResponse> Answer(HttpContext context, SignalKey requested, SignalValue<JsonElement> value)
    {
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = IfMatch.ETag(value.Version);
        return TypedResults.Json(SignalValueResponse.From(requested, value), SignalsJsonSerializerContext.Default.SignalValueResponse);
    }

    /// <summary>Reads a value body: one JSON value other than <c>null</c>, at most 64 levels deep, with well-formed text throughout.</summary>
    private static SignalsProblem? ReadValue(in ReadOnlySequence<byte> body, out JsonValueBody? value)
    {
        value = null;
        if (body.IsEmpty)
        {
            return SignalsProblem.MalformedJson("The request body is empty; expected the JSON value to store, e.g. {\"mode\": \"dark\"}.");
        }

        JsonElement element;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxValueDepth });
            element = document.RootElement.Clone();
            EnsureWellFormedText(element);
        }
        catch (JsonException exception)
        {
            return SignalsProblem.MalformedJson($"The request body is not well-formed JSON: {exception.Message}");
        }
        catch (InvalidOperationException exception)
        {
            // GetString() throws this for text that is not valid UTF-8 or holds a lone surrogate escape.
            return SignalsProblem.MalformedJson($"The request body is not valid UTF-8 JSON: {exception.Message}");
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            return SignalsProblem.InvalidRequest("A value cannot be null; DELETE the key to remove its value, so readers see their default.");
        }

        value = new JsonValueBody(element);
        return null;
    }

    /// <summary>Reads every string and property name once, so text the parser only checked for structure is checked as text.</summary>
    private static void EnsureWellFormedText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    EnsureWellFormedText(item);
                }

                break;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    _ = property.Name;
                    EnsureWellFormedText(property.Value);
                }

                break;
        }
    }

    /// <summary>A parsed value body (a class, so <see cref="JsonRequestBody"/> can say "none").</summary>
    private sealed record JsonValueBody(JsonElement Value);
}
