using System.Net.ServerSentEvents;

namespace Signals.AspNetCore.Tests;

/// <summary>An open <c>/signals/events</c> response read with <see cref="SseParser"/>, each read bounded by the test's deadline.</summary>
internal sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _events;

    private SseClient(HttpResponseMessage response, Stream stream, CancellationToken cancellationToken)
    {
        _response = response;
        _events = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens the stream; fails the test unless the server answers 200.</summary>
    public static async Task<SseClient> OpenAsync(HttpClient client, string pathAndQuery, CancellationToken cancellationToken, string? lastEventId = null)
    {
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
            Assert.Fail($"Expected 200 from {pathAndQuery}, got {(int)response.StatusCode}: {body}");
        }

        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return new SseClient(response, stream, cancellationToken);
    }

    /// <summary>Reads the next event; fails when the stream ends first.</summary>
    public async Task<SseItem<string>> NextAsync()
    {
        Assert.True(await _events.MoveNextAsync(), "The event stream ended.");
        return _events.Current;
    }

    /// <summary>Reads until the stream ends; returns whether it ended (rather than yielding another event).</summary>
    public async Task<bool> EndsAsync() => !await _events.MoveNextAsync();

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
