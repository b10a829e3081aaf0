using System.Diagnostics;

namespace Signals.Testing;

/// <summary>
/// What every throwaway server of the tests shares (<see cref="LocalPostgresServer"/>, <see cref="RedisServer"/>, <see cref="NginxCache"/>): a child process on
/// a free loopback port, its files in a temporary directory, stop and start again on the same port, exclusive control of those
/// transitions, and clean-up on dispose or, as a last resort, when the test process exits.
/// </summary>
public abstract class ThrowawayServer : IAsyncDisposable
{
    private const int PortAttempts = 3;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _control = new(1, 1);
    private int _disposed;

    /// <summary>Initializes the server's state; the process is started by <see cref="StartOnFreePortAsync{TServer}"/>.</summary>
    /// <param name="directory">The temporary directory that holds the server's files; deleted on dispose.</param>
    /// <param name="port">The loopback TCP port the server listens on.</param>
    private protected ThrowawayServer(string directory, int port)
    {
        WorkDirectory = directory;
        Port = port;
    }

    /// <summary>Gets the loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets a value indicating whether the server is running (started and not stopped by a stop method).</summary>
    public abstract bool IsRunning { get; }

    /// <summary>Gets the temporary directory that holds the server's files.</summary>
    private protected string WorkDirectory { get; }

    /// <summary>Gets the product name used in messages, such as <c>Redis</c>.</summary>
    private protected abstract string ProductName { get; }

    /// <summary>Starts a server stopped by a stop method again, on the same port, and waits until it answers.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when the server answers.</returns>
    /// <exception cref="InvalidOperationException">The server is already running, or it failed to start (e.g. another process took the port meanwhile; the message holds its log).</exception>
    /// <exception cref="TimeoutException">Start-up or the readiness check took too long.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Task StartAgainAsync(CancellationToken cancellationToken = default)
        => RunExclusiveAsync(
            async () =>
            {
                if (IsRunning)
                {
                    throw new InvalidOperationException($"The {ProductName} server on port {Port} is already running.");
                }

                try
                {
                    await StartServerAsync(cancellationToken);
                }
                catch
                {
                    await AbandonFailedStartAsync();
                    throw;
                }
            },
            cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        OnDisposing();
        await _control.WaitAsync();
        try
        {
            await StopForDisposeAsync();
        }
        finally
        {
            _control.Release();
        }

        TryDelete(WorkDirectory);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Creates a temporary directory, prepares it, then starts a server in it on a free loopback port, trying another port when the
    /// start fails (most likely someone took the port between probing and binding). The directory is removed when start-up fails.
    /// </summary>
    /// <typeparam name="TServer">The server type.</typeparam>
    /// <param name="directoryPrefix">The prefix of the temporary directory's name.</param>
    /// <param name="prepareAsync">Prepares the directory before the first start (e.g. <c>initdb</c>).</param>
    /// <param name="create">Creates the server for the directory and a port.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The running server.</returns>
    private protected static async Task<TServer> StartOnFreePortAsync<TServer>(
        string directoryPrefix, Func<string, Task> prepareAsync, Func<string, int, TServer> create, CancellationToken cancellationToken)
        where TServer : ThrowawayServer
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory(directoryPrefix);
        try
        {
            await prepareAsync(directory.FullName);
            for (int attempt = 1; ; attempt++)
            {
                TServer server = create(directory.FullName, LoopbackPorts.FindFree());
                try
                {
                    await server.StartServerAsync(cancellationToken);
                    AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;
                    return server;
                }
                catch (InvalidOperationException) when (attempt < PortAttempts)
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

    /// <summary>Runs a stop transition under the server's control lock, after checking that it is running and not disposed.</summary>
    /// <param name="stopAsync">Stops the server and records that it is stopped.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    private protected Task StopExclusiveAsync(Func<Task> stopAsync, CancellationToken cancellationToken)
        => RunExclusiveAsync(
            async () =>
            {
                if (!IsRunning)
                {
                    throw new InvalidOperationException($"The {ProductName} server on port {Port} is not running.");
                }

                await stopAsync();
            },
            cancellationToken);

    /// <summary>Starts the server process on <see cref="Port"/>, waits until it answers, and records that it is running.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when the server answers.</returns>
    private protected abstract Task StartServerAsync(CancellationToken cancellationToken);

    /// <summary>Stops the server, if it runs, as quickly as possible (dispose, or a start that failed half-way); never throws for a server that is gone.</summary>
    /// <returns>A task that completes when no server process is left.</returns>
    private protected abstract Task StopForDisposeAsync();

    /// <summary>Kills the server synchronously, if it runs; the last resort when the test process exits without disposing it.</summary>
    private protected abstract void Kill();

    /// <summary>Leaves no half-started server behind after <see cref="StartAgainAsync"/> failed: it would outlive the directory dispose deletes.</summary>
    /// <returns>A task that completes when no server process is left.</returns>
    private protected virtual Task AbandonFailedStartAsync() => Task.CompletedTask;

    /// <summary>Runs before dispose stops the server (e.g. to clear connection pools).</summary>
    private protected virtual void OnDisposing()
    {
    }

    /// <summary>Reads a log file of the server for an error message.</summary>
    /// <param name="fileName">The file's name in <see cref="WorkDirectory"/>.</param>
    /// <returns>The file's name and text, or an empty string when it cannot be read.</returns>
    private protected string ReadLog(string fileName)
    {
        string path = Path.Combine(WorkDirectory, fileName);
        try
        {
            return File.Exists(path) ? $"{fileName}:\n" + File.ReadAllText(path) : string.Empty;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>Kills a server process this class started, with its children, waits up to 10 seconds for it to exit, and disposes it.</summary>
    /// <param name="process">The process; exited already is fine.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    /// <exception cref="OperationCanceledException">The process did not exit within 10 seconds.</exception>
    private protected static async Task KillAsync(Process process)
    {
        using (process)
        {
            KillNow(process);
            using var timeout = new CancellationTokenSource(StopTimeout);
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>Kills a server process this class started, with its children, without waiting (the last resort of <see cref="Kill"/>).</summary>
    /// <param name="process">The process, or <see langword="null"/> for none; exited already is fine.</param>
    private protected static void KillNow(Process? process)
    {
        try
        {
            process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private async Task RunExclusiveAsync(Func<Task> transition, CancellationToken cancellationToken)
    {
        await _control.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            await transition();
        }
        finally
        {
            _control.Release();
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Kill();
            TryDelete(WorkDirectory);
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
