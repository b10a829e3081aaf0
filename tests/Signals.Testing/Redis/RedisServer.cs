using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Signals.Testing;

/// <summary>
/// A throwaway Redis server: <c>redis-server</c> started as a child process on a free loopback port, without persistence
/// (<c>--save '' --appendonly no</c>), its log in a temporary directory. It can be stopped (killed, as a crash or an outage would)
/// and started again on the same port (<see cref="StopAsync"/>, <see cref="ThrowawayServer.StartAgainAsync"/>). Disposing it stops the server and
/// deletes the directory. Every wait is bounded.
/// </summary>
/// <remarks>
/// The binary comes from <c>SIGNALS_TEST_REDIS_SERVER</c>, else <c>/usr/bin/redis-server</c> (Debian: <c>apt-get install -y
/// redis-server</c>; the package's own service is not used). Cheap to start (milliseconds), so a test that stops its server starts
/// its own.
/// </remarks>
public sealed class RedisServer : ThrowawayServer
{
    /// <summary>The environment variable that may name the <c>redis-server</c> binary.</summary>
    public const string ServerPathVariable = "SIGNALS_TEST_REDIS_SERVER";

    private const string DefaultServerPath = "/usr/bin/redis-server";
    private const string LogFileName = "redis.log";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);

    private readonly string _serverPath;
    private Process? _process;

    private RedisServer(string serverPath, string directory, int port)
        : base(directory, port)
    {
        _serverPath = serverPath;
    }

    /// <summary>Gets the StackExchange.Redis configuration string of the server: <c>127.0.0.1:{port}</c>.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <inheritdoc/>
    public override bool IsRunning => Volatile.Read(ref _process) is not null;

    private protected override string ProductName => "Redis";

    private string LogFile => Path.Combine(WorkDirectory, LogFileName);

    /// <summary>Starts a server on a free loopback port and waits until it answers.</summary>
    /// <param name="cancellationToken">Cancels start-up (the directory is removed).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The binary is missing, or the server exited (the message holds its log).</exception>
    /// <exception cref="TimeoutException">The server did not answer within 10 seconds.</exception>
    public static Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        string serverPath = Environment.GetEnvironmentVariable(ServerPathVariable) is { Length: > 0 } configured ? configured : DefaultServerPath;
        if (!File.Exists(serverPath))
        {
            throw new InvalidOperationException(
                $"'{serverPath}' not found. Install Redis (Debian: 'apt-get install -y redis-server') or set {ServerPathVariable} to the redis-server binary.");
        }

        return StartOnFreePortAsync(
            "signals-redis-", static _ => Task.CompletedTask, (directory, port) => new RedisServer(serverPath, directory, port), cancellationToken);
    }

    /// <summary>Kills the server, as a crash or an outage would (clients see their connections drop); the port stays reserved for <see cref="ThrowawayServer.StartAgainAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels the wait for the process to exit.</param>
    /// <returns>A task that completes when the server has exited.</returns>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Task StopAsync(CancellationToken cancellationToken = default)
        => StopExclusiveAsync(
            async () =>
            {
                await KillAsync(Volatile.Read(ref _process)!);
                Volatile.Write(ref _process, null);
            },
            cancellationToken);

    /// <summary>Runs <c>INFO</c> on a connection of its own and returns the server's answer.</summary>
    /// <param name="section">The section, such as <c>clients</c> or <c>server</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The lines of the section as <c>name:value</c> pairs.</returns>
    /// <exception cref="IOException">The server did not answer as expected.</exception>
    /// <exception cref="SocketException">The server is unreachable.</exception>
    public async Task<IReadOnlyDictionary<string, string>> InfoAsync(string section, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"INFO {section}\r\n"), cancellationToken);

        // A RESP bulk string: "$<length>\r\n<text>\r\n".
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        string header = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("Redis closed the connection.");
        if (!header.StartsWith('$') || !int.TryParse(header.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int length))
        {
            throw new IOException($"Unexpected answer to INFO: '{header}'.");
        }

        char[] text = new char[length];
        await reader.ReadBlockAsync(text, cancellationToken);
        return new string(text)
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(static line => !line.StartsWith('#'))
            .Select(static line => line.Split(':', 2))
            .Where(static pair => pair.Length == 2)
            .ToDictionary(static pair => pair[0], static pair => pair[1], StringComparer.Ordinal);
    }

    private protected override async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_serverPath) { UseShellExecute = false, WorkingDirectory = WorkDirectory };
        foreach (string argument in (string[])[
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", WorkDirectory, "--logfile", LogFile])
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{_serverPath}'.");
        try
        {
            await WaitUntilServingAsync(process, cancellationToken);
        }
        catch
        {
            await KillAsync(process);
            throw;
        }

        Volatile.Write(ref _process, process);
    }

    /// <summary>Waits until the server on <see cref="Port"/> answers and is this process (not someone else's server on a reused port).</summary>
    private async Task WaitUntilServingAsync(Process process, CancellationToken cancellationToken)
    {
        using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ready.CancelAfter(ReadyTimeout);
        string pid = process.Id.ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} exited with code {process.ExitCode}.\n{ReadLog(LogFileName)}");
            }

            try
            {
                IReadOnlyDictionary<string, string> info = await InfoAsync("server", ready.Token);
                if (info.TryGetValue("process_id", out string? serving) && serving == pid)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is SocketException or IOException && !ready.IsCancellationRequested)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer within {ReadyTimeout}.\n{ReadLog(LogFileName)}");
            }

            try
            {
                await Task.Delay(20, ready.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer within {ReadyTimeout}.\n{ReadLog(LogFileName)}");
            }
        }
    }

    private protected override async Task StopForDisposeAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await KillAsync(process);
        }
    }

    private protected override void Kill() => KillNow(Interlocked.Exchange(ref _process, null));
}
