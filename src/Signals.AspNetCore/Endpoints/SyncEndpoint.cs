using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// <c>POST {prefix}/sync</c>: answers which of the keys a client knows have a different server version, optionally after
/// long-polling until one does (DESIGN.md "Wire protocol"; the Reality form per PROTOCOL-REALITY.md).
/// </summary>
/// <remarks>
/// The body is read by hand (not by minimal-API binding) so that every bad input — wrong content type, oversized body,
/// malformed JSON, wrong types, invalid keys or versions, too many keys — is a 4xx <c>application/problem+json</c> naming
/// what is wrong, and never touches the hub.
/// </remarks>
internal static class SyncEndpoint
{
    public static async ValueTask<Results<JsonHttpResult<SyncResponse>, ProblemHttpResult, EmptyHttpResult>> HandleAsync(
        HttpContext context,
        [FromServices] SignalHub hub,
        [FromServices] IOptions<SignalsOptions> signalsOptions,
        [FromServices] IOptions<SignalsEndpointOptions> endpointOptions,
        [FromServices] TimeProvider timeProvider,
        [FromServices] IHostApplicationLifetime lifetime)
    {
        SignalsOptions signals = signalsOptions.Value;
        SignalsEndpointOptions options = endpointOptions.Value;
        CancellationToken aborted = context.RequestAborted;

        SyncRequest? request;
        SignalsProblem? problem;
        try
        {
            (request, problem) = await ReadRequestAsync(context.Request, options.MaxRequestBodySize, signals.MaxKeysPerSubscription, aborted)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }

        if (problem is not null)
        {
            return problem.ToResult();
        }

        IReadOnlyDictionary<SignalKey, long> known = request!.Known;
        Dictionary<SignalKey, SyncChange> changed = Diff(hub, known, signals.InstanceId);
        TimeSpan wait = TimeSpan.FromMilliseconds(request.WaitMs ?? request.Wait ?? 0);
        if (wait > options.MaxLongPollWait)
        {
            wait = options.MaxLongPollWait;
        }

        if (changed.Count == 0 && wait > TimeSpan.Zero)
        {
            using var waitSource = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
            try
            {
                if (known.Count == 0)
                {
                    // Nothing can change: hold the request for the whole wait, as a client long-polling with no keys expects.
                    await Task.Delay(wait, timeProvider, waitSource.Token).ConfigureAwait(false);
                }
                else
                {
                    await hub.WaitForChangeAsync(known, wait, waitSource.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return TypedResults.Empty;
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // The app is stopping: answer with what is known now rather than dropping the request.
            }

            changed = Diff(hub, known, signals.InstanceId);
        }

        var response = new SyncResponse
        {
            Changed = changed,
            Mesh = new SyncMesh { ServerVersion = hub.Cursor },
            ServerTime = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        return TypedResults.Json(response, SignalsJsonSerializerContext.Default.SyncResponse);
    }

    private static Dictionary<SignalKey, SyncChange> Diff(SignalHub hub, IReadOnlyDictionary<SignalKey, long> known, string source)
    {
        Dictionary<SignalKey, SyncChange>? changed = null;
        foreach ((SignalKey key, long knownVersion) in known)
        {
            SignalVersion current = hub.GetVersion(key);
            if (current.Version != knownVersion)
            {
                (changed ??= []).Add(key, SyncChange.From(current, source));
            }
        }

        return changed ?? [];
    }

    private static async ValueTask<(SyncRequest? Request, SignalsProblem? Problem)> ReadRequestAsync(
        HttpRequest request, long maxBodySize, int maxKeys, CancellationToken cancellationToken)
    {
        if (!IsUtf8Json(request.ContentType))
        {
            return (null, SignalsProblem.UnsupportedMediaType(request.ContentType));
        }

        if (request.ContentLength > maxBodySize)
        {
            return (null, SignalsProblem.BodyTooLarge(maxBodySize));
        }

        PipeReader reader = request.BodyReader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BadHttpRequestException exception)
            {
                // The server refused the body (e.g. Kestrel's own size limit, or a truncated chunked body).
                return (null, exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? SignalsProblem.BodyTooLarge(maxBodySize)
                    : SignalsProblem.MalformedJson($"The request body could not be read: {exception.Message}"));
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length > maxBodySize)
            {
                reader.AdvanceTo(buffer.End);
                return (null, SignalsProblem.BodyTooLarge(maxBodySize));
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                SignalsProblem? problem = SyncRequestReader.Read(buffer, maxKeys, out SyncRequest? sync);
                reader.AdvanceTo(buffer.End);
                return (sync, problem);
            }

            // Keep everything buffered until the body is complete.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool IsUtf8Json(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? mediaType))
        {
            return false;
        }

        bool json = mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        return json && (!mediaType.Charset.HasValue || mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }
}
