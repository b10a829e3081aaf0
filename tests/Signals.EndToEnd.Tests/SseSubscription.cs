using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;

namespace Signals.EndToEnd.Tests;

/// <summary>A real SSE client: GET /signals/events parsed with <see cref="SseParser"/>, events buffered for the test to read.</summary>
internal sealed class SseSubscription : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Channel<SseItem<string>> _events = Channel.CreateUnbounded<SseItem<string>>();
    private readonly HttpResponseMessage _response;
    private readonly Task _reader;

    private SseSubscription(HttpResponseMessage response, CancellationTokenSource stop)
    {
        _response = response;
        _stop = stop;
        _reader = ReadAsync();
    }

    /// <summary>Opens the stream and returns once the response headers arrived, so the subscription is live on the server.</summary>
    public static async Task<SseSubscription> OpenAsync(HttpClient http, IEnumerable<SignalKey> keys, string? lastEventId, CancellationToken cancellationToken)
    {
        string query = string.Join('&', keys.Select(k => "key=" + Uri.EscapeDataString(k.Value)));
        var request = new HttpRequestMessage(HttpMethod.Get, "/signals/events?" + query);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseSubscription(response, stop);
    }

    /// <summary>Reads the next <c>signal</c> event, or fails after <paramref name="timeout"/>.</summary>
    public async Task<SignalEvent> NextSignalAsync(TimeSpan timeout)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        bounded.CancelAfter(timeout);
        while (true)
        {
            SseItem<string> item = await _events.Reader.ReadAsync(bounded.Token);
            if (item.EventType == "signal")
            {
                SignalEvent signal = JsonSerializer.Deserialize<SignalEvent>(item.Data, JsonSerializerOptions.Web)!;
                Assert.Equal(signal.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), item.EventId);
                return signal;
            }
        }
    }

    /// <summary>Reads <c>signal</c> events until one for <paramref name="key"/> at <paramref name="version"/> or later arrives.</summary>
    public async Task<SignalEvent> NextSignalForAsync(SignalKey key, long version, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            SignalEvent signal = await NextSignalAsync(deadline - DateTime.UtcNow);
            if (signal.Key == key.Value && signal.Version >= version)
            {
                return signal;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        catch (OperationCanceledException)
        {
        }

        _response.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        await using Stream stream = await _response.Content.ReadAsStreamAsync(_stop.Token);
        await foreach (SseItem<string> item in SseParser.Create(stream).EnumerateAsync(_stop.Token))
        {
            await _events.Writer.WriteAsync(item, _stop.Token);
        }
    }

    /// <summary>The data of a <c>signal</c> event.</summary>
    public sealed record SignalEvent(string Key, long Version, string? Hash, long UpdatedAt);
}
