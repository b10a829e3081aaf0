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
public sealed partial class NginxCache : IAsyncDisposable
{
    /// <summary>The environment variable that may name the <c>nginx</c> binary.</summary>
    public const string BinaryVariable = "SIGNALS_TEST_NGINX";

    private const string DefaultBinary = "/usr/sbin/nginx";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _directory;

    private NginxCache(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
    }

    /// <summary>Gets the proxy's address: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts nginx in front of <paramref name="upstream"/> and waits until it accepts connections.</summary>
    /// <param name="upstream">The app's address (<c>http://127.0.0.1:{port}/</c>).</param>
    /// <param name="prefix">The Signals route prefix, e.g. <c>/signals</c>.</param>
    /// <param name="maxWait">The longest long-poll the app holds: the cache lock and the upstream read wait at least this long.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The running proxy.</returns>
    /// <exception cref="InvalidOperationException">The binary is missing, or nginx exited (the message holds its log).</exception>
    /// <exception cref="TimeoutException">nginx did not accept connections within 10 seconds.</exception>
    public static async Task<NginxCache> StartAsync(Uri upstream, string prefix, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        string binary = Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } configured ? configured : DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"'{binary}' not found. Install nginx (Debian: 'apt-get install -y nginx') or set {BinaryVariable} to the nginx binary.");
        }

        DirectoryInfo directory = Directory.CreateTempSubdirectory("signals-nginx-");
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                // nginx's workers run as an unprivileged user when started as root: let them use the directory.
                File.SetUnixFileMode(directory.FullName, (UnixFileMode)0b111_111_111);
            }
            int port = LoopbackPorts.FindFree();
            string config = Path.Combine(directory.FullName, "nginx.conf");
            await File.WriteAllTextAsync(config, Configuration(directory.FullName, port, upstream, prefix, maxWait), cancellationToken);
            var process = Process.Start(new ProcessStartInfo(binary)
            {
                ArgumentList = { "-p", directory.FullName, "-c", config, "-e", Path.Combine(directory.FullName, "error.log"), "-g", "daemon off;" },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            }) ?? throw new InvalidOperationException($"'{binary}' did not start.");
            var proxy = new NginxCache(process, directory.FullName, port);
            try
            {
                await proxy.WaitUntilReadyAsync(port, cancellationToken);
                return proxy;
            }
            catch
            {
                await proxy.DisposeAsync();
                throw;
            }
        }
        catch
        {
            TryDelete(directory.FullName);
            throw;
        }
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

    /// <summary>Stops nginx and deletes its directory.</summary>
    /// <returns>A task that completes when nginx has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or it did not exit in time: nothing more to do here.
        }
        finally
        {
            _process.Dispose();
            TryDelete(_directory);
        }
    }

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

    private async Task WaitUntilReadyAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        while (true)
        {
            if (_process.HasExited)
            {
                string log = Path.Combine(_directory, "error.log");
                throw new InvalidOperationException(
                    $"nginx exited with code {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync(cancellationToken)} {(File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "")}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nginx did not accept connections on port {port} within {ReadyTimeout}.");
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"Active connections:\s*(\d+)")]
    private static partial Regex ActiveConnections();
}
