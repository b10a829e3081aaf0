using System.Net.ServerSentEvents;

namespace Signals.Testing;

/// <summary>
/// A real Server-Sent Events client for tests: an open <c>/signals/events</c> response read with <see cref="SseParser"/>, every read
/// bounded by the token given to <see cref="OpenAsync"/> (a test's deadline).
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _events;

    private SseClient(HttpResponseMessage response, Stream stream, CancellationToken cancellationToken)
    {
        _response = response;
        _events = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>Gets the response, for its status and headers.</summary>
    public HttpResponseMessage Response => _response;

    /// <summary>Opens the stream and returns once the response headers arrived, so the subscription is live on the server.</summary>
    /// <param name="client">The client, with the server's base address.</param>
    /// <param name="pathAndQuery">The stream's path and query, e.g. <c>/signals/events?key=chat:room:general</c>.</param>
    /// <param name="cancellationToken">Bounds opening and every later read (a test's deadline).</param>
    /// <param name="lastEventId">The resume cursor to send as <c>Last-Event-ID</c>, or <see langword="null"/>.</param>
    /// <returns>The open stream.</returns>
    /// <exception cref="HttpRequestException">The server did not answer 200; the message holds the status and the body.</exception>
    public static async Task<SseClient> OpenAsync(HttpClient client, string pathAndQuery, CancellationToken cancellationToken, string? lastEventId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new HttpRequestException($"Expected 200 from {pathAndQuery}, got {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return new SseClient(response, stream, cancellationToken);
    }

    /// <summary>Reads the next event (comments such as <c>: ping</c> are not events).</summary>
    /// <returns>The event.</returns>
    /// <exception cref="InvalidOperationException">The stream ended first.</exception>
    /// <exception cref="OperationCanceledException">The deadline passed first.</exception>
    public async Task<SseItem<string>> NextAsync()
        => await _events.MoveNextAsync() ? _events.Current : throw new InvalidOperationException("The event stream ended.");

    /// <summary>Reads until the stream ends.</summary>
    /// <returns><see langword="true"/> when it ended; <see langword="false"/> when it yielded another event instead.</returns>
    public async Task<bool> EndsAsync() => !await _events.MoveNextAsync();

    /// <summary>Disconnects.</summary>
    /// <returns>A task that completes when the response is released.</returns>
    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        try
        {
            await _events.DisposeAsync();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or HttpRequestException)
        {
            // The response was disposed under the parser: that is how a client disconnects.
        }
    }
}
