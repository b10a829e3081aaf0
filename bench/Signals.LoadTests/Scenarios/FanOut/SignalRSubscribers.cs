using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>
/// SignalR connections made with the SignalR .NET client (<see cref="HubConnection"/>): WebSockets transport without the negotiate
/// request (<see cref="HttpConnectionOptions.SkipNegotiation"/>, as a browser client with <c>skipNegotiation</c> connects), the JSON
/// hub protocol, and the client's own keep-alive pings (every 15 seconds, its default). Each <c>signal</c> invocation is an event.
/// </summary>
internal sealed class SignalRSubscribers : Subscribers
{
    private readonly Uri _hub;
    private readonly HubConnection?[] _connections;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="server">The server (its hub is <c>/hub</c>).</param>
    /// <param name="capacity">The most connections this set will open.</param>
    public SignalRSubscribers(Uri server, int capacity)
        : base(capacity)
    {
        _hub = new UriBuilder(server) { Scheme = "ws", Path = "/hub" }.Uri;
        _connections = new HubConnection?[capacity];
    }

    /// <inheritdoc/>
    public override async Task OpenAsync(int total, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(total, Capacity);
        await Parallel.ForEachAsync(
            Enumerable.Range(Count, Math.Max(0, total - Count)),
            new ParallelOptions { MaxDegreeOfParallelism = OpenConcurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                HubConnection connection = new HubConnectionBuilder()
                    .WithUrl(_hub, HttpTransportType.WebSockets, options =>
                    {
                        options.SkipNegotiation = true;
                        // SignalR's own pings keep the connection alive; no WebSocket-level pings on top, like the SSE clients.
                        options.WebSocketConfiguration = socket => socket.KeepAliveInterval = TimeSpan.Zero;
                    })
                    .Build();
                connection.On<JsonElement>("signal", _ => OnEvent(index));
                await connection.StartAsync(token);
                _connections[index] = connection;
            });
        Count = Math.Max(Count, total);
    }

    /// <inheritdoc/>
    protected override async ValueTask CloseAsync()
        => await Parallel.ForEachAsync(
            _connections,
            new ParallelOptions { MaxDegreeOfParallelism = OpenConcurrency },
            static async (connection, _) =>
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            });
}
