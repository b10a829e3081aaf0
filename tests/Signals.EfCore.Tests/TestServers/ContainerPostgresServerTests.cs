using System.Diagnostics;
using DotNet.Testcontainers.Builders;
using Npgsql;

namespace Signals.EntityFrameworkCore.Tests.TestServers;

/// <summary>
/// The Testcontainers-backed server: where a Docker engine answers it runs PostgreSQL in a container that hands out databases like
/// the local one; where none does (the build machines), forcing it fails at once with Testcontainers' own error, not a hang.
/// </summary>
public sealed class ContainerPostgresServerTests
{
    [Fact]
    public async Task Runs_postgres_where_an_engine_answers_and_fails_clearly_where_none_does()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        DockerEngineProbe docker = await DockerEngine.ProbeAsync(Environment.GetEnvironmentVariable, DockerEngine.DefaultProbeTimeout, cancellationToken);
        if (!docker.Answers)
        {
            var elapsed = Stopwatch.StartNew();
            await Assert.ThrowsAsync<DockerUnavailableException>(() => ContainerPostgresServer.StartAsync(cancellationToken));
            Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(30), $"Failing took {elapsed.Elapsed}.");
            return;
        }

        await using ContainerPostgresServer server = await ContainerPostgresServer.StartAsync(cancellationToken);
        string connectionString = await server.CreateDatabaseAsync("container", cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SHOW max_connections", connection);
        Assert.Equal("200", await command.ExecuteScalarAsync(cancellationToken));
        Assert.StartsWith("a Testcontainers container (postgres:", server.Description, StringComparison.Ordinal);
    }
}
