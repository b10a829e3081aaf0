using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Signals.Testing;

/// <summary>
/// A throwaway nginx caching reverse proxy in front of an app: <c>nginx</c> started as a child process on a free loopback port with its
/// own configuration, cache and temporary directories in a temporary directory. <c>GET {prefix}/changes</c> goes through
/// <c>proxy_cache</c> with <c>proxy_cache_lock</c> (the settings docs/operations.md recommends); everything else is passed through unbuffered.
/// Disposing it stops nginx and deletes the directory. Every wait is bounded.
/// </summary>
/// <remarks>
/// The binary comes from <c>SIGNALS_TEST_NGINX</c>, else <c>/usr/sbin/nginx</c> (Debian: <c>apt-get install -y nginx</c>; the
/// package's own service is not used). <see cref="GetActiveConnectionsAsync"/> reads nginx's <c>stub_status</c>.
/// </remarks>
public sealed partial class NginxCache : ThrowawayServer
{
    /// <summary>The environment variable that may name the <c>nginx</c> binary.</summary>
    public const string BinaryVariable = "SIGNALS_TEST_NGINX";

    private const string DefaultBinary = "/usr/sbin/nginx";
    private const string LogFileName = "error.log";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);

    private readonly string _binary;
    private readonly Uri _upstream;
    private readonly string _prefix;
    private readonly TimeSpan _maxWait;
    private Process? _process;

    private NginxCache(string binary, Uri upstream, string prefix, TimeSpan maxWait, string directory, int port)
        : base(directory, port)
    {
        (_binary, _upstream, _prefix, _maxWait) = (binary, upstream, prefix, maxWait);
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
    }

    /// <summary>Gets the proxy's address: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <inheritdoc/>
    public override bool IsRunning => Volatile.Read(ref _process) is not null;

    private protected override string ProductName => "nginx";

    /// <summary>Starts nginx in front of <paramref name="upstream"/> and waits until it accepts connections.</summary>
    /// <param name="upstream">The app's address (<c>http://127.0.0.1:{port}/</c>).</param>
    /// <param name="prefix">The Signals route prefix, e.g. <c>/signals</c>.</param>
    /// <param name="maxWait">The longest long-poll the app holds: the cache lock and the upstream read wait at least this long.</param>
    /// <param name="cancellationToken">Cancels start-up (the directory is removed).</param>
    /// <returns>The running proxy.</returns>
    /// <exception cref="InvalidOperationException">The binary is missing, or nginx exited (the message holds its log).</exception>
    /// <exception cref="TimeoutException">nginx did not accept connections within 10 seconds.</exception>
    public static Task<NginxCache> StartAsync(Uri upstream, string prefix, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        string binary = Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } configured ? configured : DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"'{binary}' not found. Install nginx (Debian: 'apt-get install -y nginx') or set {BinaryVariable} to the nginx binary.");
        }

        return StartOnFreePortAsync(
            "signals-nginx-",
            static directory =>
            {
                if (!OperatingSystem.IsWindows())
                {
                    // nginx's workers run as an unprivileged user when started as root: let them use the directory.
                    File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
                }

                return Task.CompletedTask;
            },
            (directory, port) => new NginxCache(binary, upstream, prefix, maxWait, directory, port),
            cancellationToken);
    }

    /// <summary>Reads how many client connections nginx holds now (<c>stub_status</c>'s "Active connections", this request included).</summary>
    /// <param name="http">A client for the proxy's address.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The number of active connections.</returns>
    public async Task<int> GetActiveConnectionsAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        string status = await http.GetStringAsync(new Uri(BaseAddress, "nginx_status"), cancellationToken);
        return int.Parse(ActiveConnections().Match(status).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private protected override async Task StartServerAsync(CancellationToken cancellationToken)
    {
        string config = Path.Combine(WorkDirectory, "nginx.conf");
        await File.WriteAllTextAsync(config, Configuration(WorkDirectory, Port, _upstream, _prefix, _maxWait), cancellationToken);
        Process process = Process.Start(new ProcessStartInfo(_binary)
        {
            ArgumentList = { "-p", WorkDirectory, "-c", config, "-e", Path.Combine(WorkDirectory, LogFileName), "-g", "daemon off;" },
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"'{_binary}' did not start.");
        try
        {
            await WaitUntilReadyAsync(process, cancellationToken);
        }
        catch
        {
            await KillAsync(process);
            throw;
        }

        Volatile.Write(ref _process, process);
    }

    private protected override async Task StopForDisposeAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await KillAsync(process);
        }
    }

    private protected override void Kill() => KillNow(Interlocked.Exchange(ref _process, null));

    private static string Configuration(string directory, int port, Uri upstream, string prefix, TimeSpan maxWait)
    {
        int wait = (int)Math.Ceiling(maxWait.TotalSeconds) + 5;
        string app = $"{upstream.Host}:{upstream.Port}";
        return $$"""
            worker_processes 1;
            worker_rlimit_nofile 8192;
            pid {{directory}}/nginx.pid;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                proxy_cache_path {{directory}}/cache levels=1:2 keys_zone=signals_changes:10m max_size=64m inactive=1m use_temp_path=off;
                upstream signals_app { server {{app}}; keepalive 16; }
                server {
                    listen 127.0.0.1:{{port}};
                    location = /nginx_status { stub_status; }
                    location {{prefix}}/changes {
                        proxy_pass http://signals_app;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_cache signals_changes;
                        proxy_cache_lock on;
                        proxy_cache_lock_timeout {{wait}}s;
                        proxy_cache_lock_age {{wait}}s;
                        proxy_read_timeout {{wait}}s;
                        add_header X-Cache-Status $upstream_cache_status always;
                    }
                    location / {
                        proxy_pass http://signals_app;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_buffering off;
                        proxy_read_timeout 1h;
                    }
                }
            }
            """;
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx on port {Port} exited with code {process.ExitCode}.\n{ReadLog(LogFileName)}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nginx did not accept connections on port {Port} within {ReadyTimeout}.\n{ReadLog(LogFileName)}");
            }
        }
    }

    [GeneratedRegex(@"Active connections:\s*(\d+)")]
    private static partial Regex ActiveConnections();
}
