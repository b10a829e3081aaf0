using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Signals.Testing;

/// <summary>
/// A throwaway Redis server: <c>redis-server</c> started as a child process on a free loopback port, without persistence
/// (<c>--save '' --appendonly no</c>), its log in a temporary directory. It can be stopped (killed, as a crash or an outage would)
/// and started again on the same port (<see cref="StopAsync"/>, <see cref="StartAgainAsync"/>). Disposing it stops the server and
/// deletes the directory. Every wait is bounded.
/// </summary>
/// <remarks>
/// The binary comes from <c>SIGNALS_TEST_REDIS_SERVER</c>, else <c>/usr/bin/redis-server</c> (Debian: <c>apt-get install -y
/// redis-server</c>; the package's own service is not used). Cheap to start (milliseconds), so a test that stops its server starts
/// its own.
/// </remarks>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The environment variable that may name the <c>redis-server</c> binary.</summary>
    public const string ServerPathVariable = "SIGNALS_TEST_REDIS_SERVER";

    private const string DefaultServerPath = "/usr/bin/redis-server";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _serverPath;
    private readonly string _directory;
    private readonly SemaphoreSlim _control = new(1, 1);
    private Process? _process;
    private int _disposed;

    private RedisServer(string serverPath, string directory, int port)
    {
        _serverPath = serverPath;
        _directory = directory;
        Port = port;
    }

    /// <summary>Gets the loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string of the server: <c>127.0.0.1:{port}</c>.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Gets a value indicating whether the server is running (started and not stopped by <see cref="StopAsync"/>).</summary>
    public bool IsRunning => Volatile.Read(ref _process) is not null;

    private string LogFile => Path.Combine(_directory, "redis.log");

    /// <summary>Starts a server on a free loopback port and waits until it answers.</summary>
    /// <param name="cancellationToken">Cancels start-up (the directory is removed).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The binary is missing, or the server exited (the message holds its log).</exception>
    /// <exception cref="TimeoutException">The server did not answer within 10 seconds.</exception>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        string serverPath = Environment.GetEnvironmentVariable(ServerPathVariable) is { Length: > 0 } configured ? configured : DefaultServerPath;
        if (!File.Exists(serverPath))
        {
            throw new InvalidOperationException(
                $"'{serverPath}' not found. Install Redis (Debian: 'apt-get install -y redis-server') or set {ServerPathVariable} to the redis-server binary.");
        }

        DirectoryInfo directory = Directory.CreateTempSubdirectory("signals-redis-");
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                var server = new RedisServer(serverPath, directory.FullName, LoopbackPorts.FindFree());
                try
                {
                    await server.StartServerAsync(cancellationToken);
                    AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Most likely someone took the port between probing and binding: try another one.
                }
            }
        }
        catch
        {
            TryDelete(directory.FullName);
            throw;
        }
    }

    /// <summary>Kills the server, as a crash or an outage would (clients see their connections drop); the port stays reserved for <see cref="StartAgainAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels the wait for the process to exit.</param>
    /// <returns>A task that completes when the server has exited.</returns>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _control.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            Process process = Volatile.Read(ref _process) ?? throw new InvalidOperationException($"The Redis server on port {Port} is not running.");
            await KillAsync(process);
            Volatile.Write(ref _process, null);
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Starts a server stopped by <see cref="StopAsync"/> again, on the same port, and waits until it answers.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when the server answers.</returns>
    /// <exception cref="InvalidOperationException">The server is already running, or it exited (e.g. another process took the port; the message holds its log).</exception>
    /// <exception cref="TimeoutException">The server did not answer within 10 seconds.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await _control.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (IsRunning)
            {
                throw new InvalidOperationException($"The Redis server on port {Port} is already running.");
            }

            await StartServerAsync(cancellationToken);
        }
        finally
        {
            _control.Release();
        }
    }

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

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        await _control.WaitAsync();
        try
        {
            if (Interlocked.Exchange(ref _process, null) is { } process)
            {
                await KillAsync(process);
            }
        }
        finally
        {
            _control.Release();
        }

        TryDelete(_directory);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_serverPath) { UseShellExecute = false, WorkingDirectory = _directory };
        foreach (string argument in (string[])[
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", _directory, "--logfile", LogFile])
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
                throw new InvalidOperationException($"redis-server on port {Port} exited with code {process.ExitCode}.\n{ReadLog()}");
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
                throw new TimeoutException($"redis-server on port {Port} did not answer within {ReadyTimeout}.\n{ReadLog()}");
            }

            try
            {
                await Task.Delay(20, ready.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer within {ReadyTimeout}.\n{ReadLog()}");
            }
        }
    }

    private static async Task KillAsync(Process process)
    {
        using (process)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.Exists(LogFile) ? "redis.log:\n" + File.ReadAllText(LogFile) : string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>Last resort when the test process exits without disposing the server: kill it and remove its directory.</summary>
    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (Interlocked.Exchange(ref _process, null) is { } process)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already exited.
                }
            }

            TryDelete(_directory);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left in the temp directory; harmless.
        }
    }
}
