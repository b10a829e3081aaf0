using System.Net;
using System.Net.Sockets;

namespace Signals.Testing;

/// <summary>
/// Finds out, cheaply, whether a Docker engine answers on this machine: the endpoint Testcontainers would use (<c>DOCKER_HOST</c>,
/// else the first Docker socket that exists: <c>/var/run/docker.sock</c>, <c>$XDG_RUNTIME_DIR/docker.sock</c> (rootless),
/// <c>~/.docker/run/docker.sock</c> (Docker Desktop)), asked for <c>GET /_ping</c> within a short timeout.
/// </summary>
/// <remarks>
/// Where there is no socket and no <c>DOCKER_HOST</c>, the probe costs a few <c>stat</c> calls. A TLS endpoint
/// (<c>DOCKER_TLS_VERIFY</c> set) counts as answering once it accepts a TCP connection: Testcontainers does the TLS itself.
/// </remarks>
public static class DockerEngine
{
    /// <summary>The default bound on a probe: an engine that has not answered by then is taken as absent.</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Probes for a Docker engine.</summary>
    /// <param name="environment">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>, or a stand-in in tests).</param>
    /// <param name="timeout">How long to wait for the engine's answer.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>Whether an engine answered, where, and what happened.</returns>
    public static async Task<DockerEngineProbe> ProbeAsync(Func<string, string?> environment, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Uri endpoint;
        if (environment("DOCKER_HOST") is { Length: > 0 } host)
        {
            if (!Uri.TryCreate(host, UriKind.Absolute, out Uri? parsed) || parsed.Scheme is not ("unix" or "tcp"))
            {
                return new DockerEngineProbe(false, host, "not a unix:// or tcp:// address, which is all this probe reaches");
            }

            endpoint = parsed;
        }
        else
        {
            string[] sockets = [.. SocketCandidates(environment)];
            if (sockets.FirstOrDefault(File.Exists) is not { } socket)
            {
                return new DockerEngineProbe(false, null, $"no DOCKER_HOST and no Docker socket at {string.Join(", ", sockets)}");
            }

            endpoint = new Uri("unix://" + socket);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            if (endpoint.Scheme == "tcp" && environment("DOCKER_TLS_VERIFY") is { Length: > 0 } and not "0")
            {
                using var client = new TcpClient();
                await client.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token);
                return new DockerEngineProbe(true, endpoint.ToString(), "accepts connections (TLS)");
            }

            using var http = new HttpClient(Handler(endpoint)) { Timeout = Timeout.InfiniteTimeSpan };
            Uri ping = endpoint.Scheme == "tcp" ? new Uri($"http://{endpoint.Authority}/_ping") : new Uri("http://docker/_ping");
            using HttpResponseMessage response = await http.GetAsync(ping, deadline.Token);
            return response.StatusCode == HttpStatusCode.OK
                ? new DockerEngineProbe(true, endpoint.ToString(), "answers /_ping")
                : new DockerEngineProbe(false, endpoint.ToString(), $"answered /_ping with {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DockerEngineProbe(false, endpoint.ToString(), $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException or IOException)
        {
            return new DockerEngineProbe(false, endpoint.ToString(), (exception.InnerException ?? exception).Message);
        }
    }

    private static IEnumerable<string> SocketCandidates(Func<string, string?> environment)
    {
        yield return "/var/run/docker.sock";
        if (environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
        {
            yield return Path.Combine(runtime, "docker.sock");
        }

        if (environment("HOME") is { Length: > 0 } home)
        {
            yield return Path.Combine(home, ".docker", "run", "docker.sock");
        }
    }

    private static SocketsHttpHandler Handler(Uri endpoint) => endpoint.Scheme != "unix"
        ? new SocketsHttpHandler()
        : new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.LocalPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
}
