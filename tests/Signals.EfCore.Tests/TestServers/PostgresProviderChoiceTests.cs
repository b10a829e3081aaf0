using System.Diagnostics;

namespace Signals.EntityFrameworkCore.Tests.TestServers;

/// <summary>
/// Which PostgreSQL server the fixture picks (<see cref="PostgresProviderChoice"/>), against a stand-in environment and stand-in
/// Docker sockets: no Docker engine runs on the build machines, so the Testcontainers path is chosen here only where something answers
/// <c>/_ping</c> as the engine does.
/// </summary>
public sealed class PostgresProviderChoiceTests
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>The probe's bound where the stand-in answers: generous, so a loaded machine cannot turn an answer into a timeout.</summary>
    private static readonly TimeSpan AnsweredProbeTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_connection_string_wins_over_the_provider_variable_and_is_not_probed()
    {
        using var engine = new UnixSocketStandIn(answersPing: true);

        PostgresProviderChoice choice = await ChooseAsync(new()
        {
            [PostgresServer.ConnectionStringVariable] = "Host=db.example;Database=postgres",
            [PostgresProviderChoice.ProviderVariable] = "testcontainers",
            ["DOCKER_HOST"] = engine.DockerHost,
        });

        Assert.Equal(PostgresProvider.External, choice.Provider);
        Assert.Contains(PostgresServer.ConnectionStringVariable, choice.Reason, StringComparison.Ordinal);
        Assert.Equal(0, engine.Connections);
    }

    [Theory]
    [InlineData("local", PostgresProvider.Local)]
    [InlineData("LOCAL", PostgresProvider.Local)]
    [InlineData("testcontainers", PostgresProvider.Testcontainers)]
    [InlineData(" TestContainers ", PostgresProvider.Testcontainers)]
    public async Task The_provider_variable_forces_a_provider_without_probing(string value, PostgresProvider expected)
    {
        // An engine that would answer, and one that would make the probe wait: neither is asked.
        using var answering = new UnixSocketStandIn(answersPing: true);
        using var silent = new UnixSocketStandIn(answersPing: false);
        foreach (UnixSocketStandIn engine in (UnixSocketStandIn[])[answering, silent])
        {
            PostgresProviderChoice choice = await ChooseAsync(new()
            {
                [PostgresProviderChoice.ProviderVariable] = value,
                ["DOCKER_HOST"] = engine.DockerHost,
            });

            Assert.Equal(expected, choice.Provider);
            Assert.Equal($"{PostgresProviderChoice.ProviderVariable}={expected.ToString().ToLowerInvariant()}", choice.Reason);
            Assert.Equal(0, engine.Connections);
        }
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("external")]
    public async Task An_unknown_provider_is_a_clear_error(string value)
    {
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(
            () => ChooseAsync(new() { [PostgresProviderChoice.ProviderVariable] = value }));

        Assert.Contains(PostgresProviderChoice.ProviderVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'testcontainers' or 'local'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_answers_ping_gets_testcontainers()
    {
        using var engine = new UnixSocketStandIn(answersPing: true);

        PostgresProviderChoice choice = await ChooseAsync(new() { ["DOCKER_HOST"] = engine.DockerHost }, AnsweredProbeTimeout);

        Assert.Equal(PostgresProvider.Testcontainers, choice.Provider);
        Assert.Equal($"a Docker engine answers /_ping at {engine.DockerHost}", choice.Reason);
        Assert.StartsWith("GET /_ping HTTP/1.1", engine.FirstRequestLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_socket_gets_the_local_binaries_at_once()
    {
        string socket = Path.Combine(Path.GetTempPath(), "signals-no-docker-" + Guid.NewGuid().ToString("N"), "docker.sock");
        var elapsed = Stopwatch.StartNew();

        PostgresProviderChoice choice = await ChooseAsync(new() { ["DOCKER_HOST"] = "unix://" + socket }, TimeSpan.FromSeconds(30));

        Assert.Equal(PostgresProvider.Local, choice.Provider);
        Assert.StartsWith($"no Docker engine answers (unix://{socket}: ", choice.Reason, StringComparison.Ordinal);
        // A refused connection is an answer in itself: the probe does not sit out its (here 30-second) timeout.
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"The probe took {elapsed.Elapsed}.");
    }

    [Fact]
    public async Task An_engine_that_never_answers_gets_the_local_binaries_after_the_probe_timeout()
    {
        using var engine = new UnixSocketStandIn(answersPing: false);
        var elapsed = Stopwatch.StartNew();

        PostgresProviderChoice choice = await ChooseAsync(new() { ["DOCKER_HOST"] = engine.DockerHost });

        Assert.Equal(PostgresProvider.Local, choice.Provider);
        Assert.Equal($"no Docker engine answers ({engine.DockerHost}: no answer within 0.5 s)", choice.Reason);
        Assert.Equal(1, engine.Connections);
        // The timer behind the probe's timeout may fire a clock tick before the stopwatch reads ProbeTimeout (0.4989 s was seen).
        Assert.InRange(elapsed.Elapsed, ProbeTimeout - TimeSpan.FromMilliseconds(20), ProbeTimeout + TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("not a uri")]
    public async Task A_docker_host_the_probe_cannot_reach_gets_the_local_binaries(string dockerHost)
    {
        PostgresProviderChoice choice = await ChooseAsync(new() { ["DOCKER_HOST"] = dockerHost });

        Assert.Equal(PostgresProvider.Local, choice.Provider);
        Assert.Equal($"no Docker engine answers ({dockerHost}: not a unix:// or tcp:// address, which is all this probe reaches)", choice.Reason);
    }

    [Fact]
    public async Task Without_docker_host_the_probe_looks_for_the_usual_sockets_only()
    {
        // HOME and XDG_RUNTIME_DIR point at empty directories, so only /var/run/docker.sock can exist: on the build machines (no
        // engine) the answer is immediate, and where Docker runs it is that engine.
        string home = Directory.CreateTempSubdirectory("signals-home-").FullName;
        try
        {
            DockerEngineProbe probe = await DockerEngine.ProbeAsync(
                new Dictionary<string, string?> { ["HOME"] = home, ["XDG_RUNTIME_DIR"] = home }.GetValueOrDefault,
                ProbeTimeout,
                TestContext.Current.CancellationToken);

            if (File.Exists("/var/run/docker.sock"))
            {
                Assert.Equal("unix:///var/run/docker.sock", probe.Endpoint);
            }
            else
            {
                Assert.False(probe.Answers);
                Assert.Null(probe.Endpoint);
                Assert.Equal(
                    $"no DOCKER_HOST and no Docker socket at /var/run/docker.sock, {home}/docker.sock, {home}/.docker/run/docker.sock",
                    probe.Detail);
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static Task<PostgresProviderChoice> ChooseAsync(Dictionary<string, string?> environment, TimeSpan? probeTimeout = null)
        => PostgresProviderChoice.ChooseAsync(environment.GetValueOrDefault, probeTimeout ?? ProbeTimeout, TestContext.Current.CancellationToken);
}
