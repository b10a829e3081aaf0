using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// Reads a whole UTF-8 JSON request body, bounded in size, and hands it to a parser: the one body reader of the sync endpoint and the
/// value writes, so both answer a wrong content type (415), an oversized body (413, also when sent chunked) and a broken body alike.
/// </summary>
internal static class JsonRequestBody
{
    /// <summary>Parses a complete body.</summary>
    /// <typeparam name="T">What the body holds.</typeparam>
    /// <param name="body">The whole body.</param>
    /// <param name="result">The parsed body, or <c>default</c> when a problem is returned.</param>
    /// <returns><see langword="null"/> when the body is valid; otherwise what is wrong with it.</returns>
    public delegate SignalsProblem? Parser<T>(in ReadOnlySequence<byte> body, out T? result);

    /// <summary>Reads and parses the body.</summary>
    /// <param name="request">The request.</param>
    /// <param name="maxBodySize">The most bytes accepted.</param>
    /// <param name="limitOption">The name of the <see cref="SignalsEndpointOptions"/> property holding <paramref name="maxBodySize"/>, for the 413 message.</param>
    /// <param name="parse">Parses the complete body.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>The parsed body, or the problem.</returns>
    /// <exception cref="OperationCanceledException">The client went away.</exception>
    public static async ValueTask<(T? Value, SignalsProblem? Problem)> ReadAsync<T>(
        HttpRequest request, long maxBodySize, string limitOption, Parser<T> parse, CancellationToken cancellationToken)
    {
        if (!IsUtf8Json(request.ContentType))
        {
            return (default, SignalsProblem.UnsupportedMediaType(request.ContentType));
        }

        if (request.ContentLength > maxBodySize)
        {
            return (default, SignalsProblem.BodyTooLarge(maxBodySize, limitOption));
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
                return (default, exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? SignalsProblem.BodyTooLarge(maxBodySize, limitOption)
                    : SignalsProblem.MalformedJson($"The request body could not be read: {exception.Message}"));
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length > maxBodySize)
            {
                reader.AdvanceTo(buffer.End);
                return (default, SignalsProblem.BodyTooLarge(maxBodySize, limitOption));
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                SignalsProblem? problem = parse(buffer, out T? value);
                reader.AdvanceTo(buffer.End);
                return (value, problem);
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
