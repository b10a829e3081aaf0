using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>
/// The bare SSE baseline: what an ASP.NET Core developer writes by hand — a bounded channel per connection and
/// <see cref="TypedResults.ServerSentEvents{T}(IAsyncEnumerable{SseItem{T}})"/> — with nothing else (no keys, no resume, no heartbeat).
/// </summary>
internal sealed class SseBroadcaster
{
    private static readonly BoundedChannelOptions PerConnection = new(16) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true };
    private readonly ConcurrentDictionary<ChannelWriter<string>, byte> _connections = new();

    /// <summary>Handles <c>GET /sse</c>: streams every broadcast to this connection until it closes.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The event stream.</returns>
    public IResult Subscribe(HttpContext context)
    {
        Channel<string> channel = Channel.CreateBounded<string>(PerConnection);
        _connections.TryAdd(channel.Writer, 0);
        return TypedResults.ServerSentEvents(ReadAsync(context.Response, channel, context.RequestAborted));
    }

    /// <summary>Sends one event to every connection.</summary>
    /// <param name="data">The event data.</param>
    public void Broadcast(string data)
    {
        foreach (ChannelWriter<string> connection in _connections.Keys)
        {
            connection.TryWrite(data);
        }
    }

    private async IAsyncEnumerable<SseItem<string>> ReadAsync(HttpResponse response, Channel<string> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            // Send the headers now, as Signals does, so a client knows when it is subscribed.
            await response.Body.FlushAsync(cancellationToken);
            await foreach (string data in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return new SseItem<string>(data, "signal");
            }
        }
        finally
        {
            _connections.TryRemove(channel.Writer, out _);
        }
    }
}
