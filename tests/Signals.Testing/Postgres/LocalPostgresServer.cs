using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Signals.Testing;

/// <summary>
/// A throwaway PostgreSQL server started from the local binaries (<c>initdb</c>/<c>pg_ctl</c>) in a temporary directory, on a free
/// loopback port, with its socket in that directory. When the tests run as root the server runs as the <c>postgres</c> OS user
/// (through <c>runuser</c>). It can be stopped and started again on the same port and data directory (<see cref="StopAsync"/>,
/// <see cref="StartAgainAsync"/>), as a fault for tests. Disposing it stops the server and deletes the directory. Every wait is bounded.
/// </summary>
/// <remarks>
/// Durability is off (<c>fsync=off</c>, <c>full_page_writes=off</c>): the data is thrown away anyway, and tests run faster.
/// <c>wal_level = logical</c> unless asked otherwise, with room for 100 replication slots and senders, so that capture by logical
/// replication runs in any database of the server (each database's capture has a slot of its own).
/// Benchmarks, whose figures must include what a commit costs in production, start it with <c>durable: true</c>.
/// The binaries come from <c>SIGNALS_TEST_POSTGRES_BIN</c>, else <c>/usr/lib/postgresql/15/bin</c>, else the newest
/// <c>/usr/lib/postgresql/*/bin</c> (Debian: <c>apt-get install -y postgresql</c>).
/// </remarks>
public sealed class LocalPostgresServer : ThrowawayServer, IPostgresServer
{
    /// <summary>The environment variable that may name the directory of the PostgreSQL binaries.</summary>
    public const string BinDirectoryVariable = "SIGNALS_TEST_POSTGRES_BIN";

    private const string OsUser = "postgres";
    private const string LogFileName = "server.log";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);

    private readonly string _binDirectory;
    private readonly bool _durable;
    private readonly string _walLevel;
    private bool _running;

    private LocalPostgresServer(string binDirectory, string directory, int port, bool durable, string walLevel)
        : base(directory, port)
    {
        _binDirectory = binDirectory;
        _durable = durable;
        _walLevel = walLevel;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = "postgres",
            Username = OsUser,
            IncludeErrorDetail = true,
        }.ConnectionString;
    }

    /// <inheritdoc/>
    public string ConnectionString { get; }

    /// <inheritdoc/>
    public string Description => $"a throwaway server from the local binaries ({_binDirectory}) on 127.0.0.1:{Port}";

    /// <inheritdoc/>
    public override bool IsRunning => Volatile.Read(ref _running);

    private protected override string ProductName => "PostgreSQL";

    private string DataDirectory => Path.Combine(WorkDirectory, "data");

    private string LogFile => Path.Combine(WorkDirectory, LogFileName);

    private static bool RunAsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    /// <summary>Creates a cluster in a temporary directory and starts a server on it.</summary>
    /// <param name="binDirectory">The directory of <c>initdb</c> and <c>pg_ctl</c>; <see langword="null"/> to find it (see remarks on the type).</param>
    /// <param name="cancellationToken">Cancels start-up (the directory is removed).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The binaries are missing, or a command failed (the message holds its output and the server log).</exception>
    /// <exception cref="TimeoutException">A command or the readiness check took too long.</exception>
    public static Task<LocalPostgresServer> StartAsync(string? binDirectory = null, CancellationToken cancellationToken = default)
        => StartAsync(durable: false, binDirectory, cancellationToken);

    /// <summary>Creates a cluster in a temporary directory and starts a server on it, with durability on or off.</summary>
    /// <param name="durable">
    /// <see langword="true"/> keeps PostgreSQL's defaults (<c>fsync</c> and <c>full_page_writes</c> on), so a commit waits for the disk
    /// as in production (benchmarks); <see langword="false"/> turns them off (tests).
    /// </param>
    /// <param name="binDirectory">The directory of <c>initdb</c> and <c>pg_ctl</c>; <see langword="null"/> to find it (see remarks on the type).</param>
    /// <param name="cancellationToken">Cancels start-up (the directory is removed).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The binaries are missing, or a command failed (the message holds its output and the server log).</exception>
    /// <exception cref="TimeoutException">A command or the readiness check took too long.</exception>
    public static Task<LocalPostgresServer> StartAsync(bool durable, string? binDirectory = null, CancellationToken cancellationToken = default)
        => StartAsync(durable, "logical", binDirectory, cancellationToken);

    /// <summary>Creates a cluster in a temporary directory and starts a server on it at a <c>wal_level</c> of the caller's choice.</summary>
    /// <param name="durable">See <see cref="StartAsync(bool, string?, CancellationToken)"/>.</param>
    /// <param name="walLevel">
    /// The server's <c>wal_level</c>: <c>logical</c> (what the other overloads start) or <c>replica</c> (PostgreSQL's default, which
    /// capture by logical replication must refuse with a clear error).
    /// </param>
    /// <param name="binDirectory">The directory of <c>initdb</c> and <c>pg_ctl</c>; <see langword="null"/> to find it (see remarks on the type).</param>
    /// <param name="cancellationToken">Cancels start-up (the directory is removed).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The binaries are missing, or a command failed (the message holds its output and the server log).</exception>
    /// <exception cref="TimeoutException">A command or the readiness check took too long.</exception>
    public static async Task<LocalPostgresServer> StartAsync(bool durable, string walLevel, string? binDirectory = null, CancellationToken cancellationToken = default)
    {
        binDirectory ??= FindBinDirectory();
        return await StartOnFreePortAsync(
            "signals-pg-",
            async directory =>
            {
                if (RunAsRoot)
                {
                    await RunAsync("chown", [$"{OsUser}:{OsUser}", directory], directory, asServerUser: false, cancellationToken);
                }

                await RunAsync(
                    Path.Combine(binDirectory, "initdb"),
                    ["-D", Path.Combine(directory, "data"), "-U", OsUser, "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust", "--no-sync"],
                    directory,
                    RunAsRoot,
                    cancellationToken);
            },
            (directory, port) => new LocalPostgresServer(binDirectory, directory, port, durable, walLevel),
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
        => (await PostgresDatabases.CreateAsync(ConnectionString, name, cancellationToken)).ConnectionString;

    /// <summary>
    /// Stops the server and keeps its data directory and port, so <see cref="StartAgainAsync"/> can bring it back with its data.
    /// Open connections are cut (clients see errors on their next use; pools are left alone, as a real outage would leave them).
    /// </summary>
    /// <param name="mode">
    /// <see cref="PostgresStopMode.Fast"/> (the default) rolls back open transactions and shuts down cleanly;
    /// <see cref="PostgresStopMode.Immediate"/> kills the server as a crash would, and the next start runs crash recovery.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the server to stop.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined value.</exception>
    /// <exception cref="InvalidOperationException">The server is not running, or <c>pg_ctl</c> failed (the message holds its output and the server log).</exception>
    /// <exception cref="TimeoutException"><c>pg_ctl</c> took too long.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task StopAsync(PostgresStopMode mode = PostgresStopMode.Fast, CancellationToken cancellationToken = default)
    {
        string modeName = mode switch
        {
            PostgresStopMode.Fast => "fast",
            PostgresStopMode.Immediate => "immediate",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Expected PostgresStopMode.Fast or PostgresStopMode.Immediate."),
        };
        await StopExclusiveAsync(
            async () =>
            {
                await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", modeName, "-w", "-t", "20", "stop"], cancellationToken);
                Volatile.Write(ref _running, false);
            },
            cancellationToken);
    }

    private protected override void OnDisposing() => NpgsqlConnection.ClearAllPools();

    private protected override async Task StopForDisposeAsync()
    {
        try
        {
            if (_running)
            {
                await StopOrKillAsync();
            }
        }
        finally
        {
            Volatile.Write(ref _running, false);
        }
    }

    private protected override Task AbandonFailedStartAsync() => StopOrKillAsync();

    private protected override void Kill() => KillPostmaster();

    /// <summary>Finds the PostgreSQL binaries (see remarks on the type).</summary>
    /// <returns>The directory holding <c>initdb</c> and <c>pg_ctl</c>.</returns>
    /// <exception cref="InvalidOperationException">No binaries were found.</exception>
    public static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable(BinDirectoryVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        const string preferred = "/usr/lib/postgresql/15/bin";
        if (File.Exists(Path.Combine(preferred, "initdb")))
        {
            return preferred;
        }

        string? newest = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(static d => Path.Combine(d, "bin"))
                .Where(static d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(static d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            "No PostgreSQL binaries found under /usr/lib/postgresql. Install them (Debian: 'apt-get install -y postgresql'), set " +
            $"{BinDirectoryVariable} to their directory, or set {PostgresServer.ConnectionStringVariable} to the connection string of a server.");
    }

    /// <summary>Stops the server as a crash would, or kills its postmaster when <c>pg_ctl</c> cannot.</summary>
    private async Task StopOrKillAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(CommandTimeout);
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "20", "stop"], timeout.Token);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            KillPostmaster();
        }
    }

    private protected override async Task StartServerAsync(CancellationToken cancellationToken)
    {
        string serverOptions = string.Create(
            CultureInfo.InvariantCulture,
            $"-c listen_addresses=127.0.0.1 -p {Port} -k {WorkDirectory} -c max_connections=400 -c wal_level={_walLevel} -c max_replication_slots=100 -c max_wal_senders=100{(_durable ? "" : " -c fsync=off -c full_page_writes=off")}");
        await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "30", "-o", serverOptions, "start"], cancellationToken);

        // pg_ctl -w waits for readiness; still prove that a TCP client gets in before handing the server out.
        using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ready.CancelAfter(ReadyTimeout);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false;Timeout=5");
                await connection.OpenAsync(ready.Token);
                Volatile.Write(ref _running, true);
                return;
            }
            catch (NpgsqlException) when (!ready.IsCancellationRequested)
            {
                await Task.Delay(50, ready.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"PostgreSQL on port {Port} did not accept connections within {ReadyTimeout}.\n{ReadLog(LogFileName)}");
            }
        }
    }

    private Task RunToolAsync(string tool, string[] arguments, CancellationToken cancellationToken)
        => RunAsync(Path.Combine(_binDirectory, tool), arguments, WorkDirectory, RunAsRoot, cancellationToken, () => ReadLog(LogFileName));

    private static async Task RunAsync(
        string fileName, string[] arguments, string workingDirectory, bool asServerUser, CancellationToken cancellationToken, Func<string>? diagnostics = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = asServerUser ? "runuser" : fileName,
            WorkingDirectory = workingDirectory,
        };
        if (asServerUser)
        {
            foreach (string argument in (string[])["-u", OsUser, "--", fileName])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        CommandResult run = await Command.RunAsync(start, CommandTimeout, cancellationToken);
        if (run.ExitCode != 0)
        {
            string output = await Collect(run.StandardOutput) + await Collect(run.StandardError);
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' exited with code {run.ExitCode}.\n{output}\n{diagnostics?.Invoke()}");
        }
    }

    private static async Task<string> Collect(Task<string> output)
    {
        // A child process (the postmaster) may hold the pipe open: take what is there, never wait long.
        try
        {
            return await output.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            return string.Empty;
        }
    }

    private void KillPostmaster()
    {
        try
        {
            string pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                using Process postmaster = Process.GetProcessById(pid);
                postmaster.Kill(entireProcessTree: true);
                postmaster.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception exception) when (exception is IOException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
