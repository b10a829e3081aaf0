using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>
/// SignalR connections over WebSockets, speaking the JSON hub protocol on <see cref="ClientWebSocket"/> (the SignalR .NET client does
/// not restore from this machine's package mirror): the handshake <c>{"protocol":"json","version":1}</c>, then records separated by
/// <c>0x1E</c>; an invocation (<c>"type":1</c>) is an event. Like the real client, each connection sends a ping (<c>"type":6</c>)
/// every 10 seconds, or the server would drop it after its 30-second client timeout.
/// </summary>
internal sealed class SignalRSubscribers : Subscribers
{
    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    private readonly Uri _hub;
    private readonly ClientWebSocket?[] _sockets;
    private readonly List<Task> _reading = [];
    private readonly CancellationTokenSource _lifetime;
    private readonly Task _pinging;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="server">The server (its hub is <c>/hub</c>).</param>
    /// <param name="capacity">The most connections this set will open.</param>
    /// <param name="deadline">Ends every connection when it passes.</param>
    public SignalRSubscribers(Uri server, int capacity, CancellationToken deadline)
        : base(capacity)
    {
        _hub = new UriBuilder(server) { Scheme = "ws", Path = "/hub" }.Uri;
        _sockets = new ClientWebSocket?[capacity];
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        _pinging = PingAsync(_lifetime.Token);
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
                // No negotiate request: SignalR accepts a WebSocket straight away (the clients' skipNegotiation option).
                var socket = new ClientWebSocket();
                socket.Options.KeepAliveInterval = TimeSpan.Zero;
                await socket.ConnectAsync(_hub, token);
                await socket.SendAsync(Handshake, WebSocketMessageType.Text, endOfMessage: true, token);
                var records = new RecordReader(socket);
                ReadOnlyMemory<byte>? response = await records.NextAsync(token);
                if (response is not { } handshake || !handshake.Span.SequenceEqual("{}"u8))
                {
                    throw new InvalidOperationException($"The SignalR handshake failed: {(response is { } r ? Encoding.UTF8.GetString(r.Span) : "the connection closed")}.");
                }

                _sockets[index] = socket;
                lock (_reading)
                {
                    _reading.Add(ReadAsync(records, index));
                }
            });
        Count = Math.Max(Count, total);
    }

    /// <inheritdoc/>
    protected override async ValueTask CloseAsync()
    {
        await _lifetime.CancelAsync();
        foreach (ClientWebSocket? socket in _sockets)
        {
            socket?.Abort();
            socket?.Dispose();
        }

        await Task.WhenAll(_reading);
        await _pinging;
        _lifetime.Dispose();
    }

    private async Task ReadAsync(RecordReader records, int index)
    {
        try
        {
            while (await records.NextAsync(_lifetime.Token) is { } record)
            {
                if (record.Span.StartsWith("{\"type\":1,"u8))
                {
                    OnEvent(index);
                }
                else if (record.Span.StartsWith("{\"type\":7"u8))
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Closed at the end of the run.
        }
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(PingInterval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await Quiet.WaitAsync(cancellationToken);
                try
                {
                    foreach (ClientWebSocket? socket in _sockets)
                    {
                        if (socket is { State: WebSocketState.Open })
                        {
                            await socket.SendAsync(Ping, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                        }
                    }
                }
                finally
                {
                    Quiet.Release();
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopped at the end of the run.
        }
    }

    /// <summary>Splits one connection's messages into hub protocol records (without the separator).</summary>
    private sealed class RecordReader(ClientWebSocket socket)
    {
        private readonly byte[] _buffer = new byte[512];
        private readonly ArrayBufferWriter<byte> _record = new(256);
        private int _start;
        private int _end;

        /// <summary>Reads the next record; <see langword="null"/> when the server closed the connection.</summary>
        public async ValueTask<ReadOnlyMemory<byte>?> NextAsync(CancellationToken cancellationToken)
        {
            _record.ResetWrittenCount();
            while (true)
            {
                int separator = Array.IndexOf(_buffer, RecordSeparator, _start, _end - _start);
                if (separator >= 0)
                {
                    _record.Write(_buffer.AsSpan(_start, separator - _start));
                    _start = separator + 1;
                    return _record.WrittenMemory;
                }

                _record.Write(_buffer.AsSpan(_start, _end - _start));
                ValueWebSocketReceiveResult received = await socket.ReceiveAsync(_buffer.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                _start = 0;
                _end = received.Count;
            }
        }
    }
}
