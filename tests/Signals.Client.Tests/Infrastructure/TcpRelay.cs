using System.Net;
using System.Net.Sockets;

namespace Signals.Client.Tests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server, whose connections a test can cut: <see cref="Cut"/> resets every open connection and
/// refuses new ones (accepts and resets them) until <see cref="Restore"/>.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private bool _refusing;

    public TcpRelay(Uri upstream)
    {
        _upstreamPort = upstream.Port;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Resets every open connection, and every new one until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            _refusing = true;
            foreach (TcpClient client in _open)
            {
                Reset(client);
            }

            _open.Clear();
        }
    }

    public void Restore()
    {
        lock (_lock)
        {
            _refusing = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
        }
        catch (ObjectDisposedException)
        {
        }

        client.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient inbound = await _listener.AcceptTcpClientAsync(_stopping.Token);
            bool refusing;
            lock (_lock)
            {
                refusing = _refusing;
            }

            if (refusing)
            {
                Reset(inbound);
                continue;
            }

            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stopping.Token);
            lock (_lock)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            Task up = inbound.GetStream().CopyToAsync(outbound.GetStream(), done.Token);
            Task down = outbound.GetStream().CopyToAsync(inbound.GetStream(), done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
            await Task.WhenAll(up, down).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut, stopped, or the upstream is down: the inbound connection is reset below.
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }

            Reset(inbound);
            outbound.Dispose();
        }
    }
}
