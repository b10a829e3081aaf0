using System.Net;
using System.Net.Sockets;

namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of PostgreSQL that can go silent: <see cref="FreezeExisting"/> stops forwarding on every connection
/// open so far without closing it — a network partition as a client sees it: no data, no FIN, no RST — while new connections work.
/// </summary>
internal sealed class FreezableTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Pair> _pairs = [];
    private readonly Task _accepting;

    private FreezableTcpProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts a proxy to the server of a connection string and returns the connection string through it.</summary>
    public static (FreezableTcpProxy Proxy, string ConnectionString) Start(string connectionString, string extra)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var proxy = new FreezableTcpProxy(new IPEndPoint(IPAddress.Parse(builder.Host!), builder.Port));
        builder.Host = "127.0.0.1";
        builder.Port = proxy.Port;
        return (proxy, builder.ConnectionString + ";" + extra);
    }

    /// <summary>Stops forwarding on every connection open now; they stay open. Later connections are forwarded.</summary>
    public void FreezeExisting()
    {
        lock (_pairs)
        {
            foreach (Pair pair in _pairs)
            {
                pair.Frozen = true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_pairs)
        {
            foreach (Pair pair in _pairs)
            {
                pair.Client.Dispose();
                pair.Server.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client = await _listener.AcceptSocketAsync(_stopping.Token);
            var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await server.ConnectAsync(_upstream, _stopping.Token);
            var pair = new Pair(client, server);
            lock (_pairs)
            {
                _pairs.Add(pair);
            }

            _ = PumpAsync(pair, client, server);
            _ = PumpAsync(pair, server, client);
        }
    }

    /// <summary>Copies bytes one way; while frozen, bytes are read and dropped (the peer waits forever for an answer).</summary>
    private async Task PumpAsync(Pair pair, Socket from, Socket to)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
                if (read == 0)
                {
                    break;
                }

                if (!pair.Frozen)
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stopping.Token);
                }
            }

            if (!pair.Frozen)
            {
                to.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The proxy stopped or a side went away.
        }
    }

    private sealed class Pair(Socket client, Socket server)
    {
        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        public volatile bool Frozen;
    }
}
