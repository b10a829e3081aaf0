using System.Net.Sockets;
using System.Text;

namespace Signals.EntityFrameworkCore.Tests.TestServers;

/// <summary>
/// A listener on a Unix socket in a temporary directory, standing in for a Docker engine's socket (no engine can run on the build
/// machines): it either answers <c>GET /_ping</c> with <c>200 OK</c>, as the engine does, or accepts connections and never answers.
/// It counts the connections it accepted, so a test can prove that nothing probed it.
/// </summary>
internal sealed class UnixSocketStandIn : IDisposable
{
    private static readonly byte[] PingAnswer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK");

    private readonly string _directory = Directory.CreateTempSubdirectory("signals-docker-").FullName;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly List<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private string? _firstRequestLine;

    /// <summary>Starts listening.</summary>
    /// <param name="answersPing">Whether to answer <c>/_ping</c>; otherwise connections are held open in silence.</param>
    public UnixSocketStandIn(bool answersPing)
    {
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
        _accepting = AcceptAsync(answersPing);
    }

    /// <summary>Gets the socket's path.</summary>
    public string SocketPath => Path.Combine(_directory, "docker.sock");

    /// <summary>Gets the socket as a <c>DOCKER_HOST</c> value.</summary>
    public string DockerHost => "unix://" + SocketPath;

    /// <summary>Gets how many connections were accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Gets the request line of the first request answered (e.g. <c>GET /_ping HTTP/1.1</c>).</summary>
    public string? FirstRequestLine => Volatile.Read(ref _firstRequestLine);

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_accepted)
        {
            _accepted.ForEach(static socket => socket.Dispose());
        }

        _ = _accepting.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task AcceptAsync(bool answersPing)
    {
        try
        {
            while (true)
            {
                Socket socket = await _listener.AcceptAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }

                if (answersPing)
                {
                    // One request per connection: read until the end of its headers, answer, and let the client close.
                    var request = new StringBuilder();
                    byte[] buffer = new byte[1024];
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        int read = await socket.ReceiveAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    Interlocked.CompareExchange(ref _firstRequestLine, request.ToString().Split("\r\n")[0], null);
                    await socket.SendAsync(PingAnswer, _stop.Token);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
