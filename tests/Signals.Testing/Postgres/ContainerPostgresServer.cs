using Npgsql;
using Testcontainers.PostgreSql;

namespace Signals.Testing;

/// <summary>
/// A throwaway PostgreSQL server in a Docker container, started by Testcontainers (<see cref="PostgreSqlContainer"/>) with the same
/// settings as <see cref="LocalPostgresServer"/> (<c>max_connections=400</c>, durability off). Disposing it removes the container.
/// </summary>
/// <remarks>
/// The image is <c>SIGNALS_TEST_POSTGRES_IMAGE</c>, else <see cref="DefaultImage"/> (the major version of the local binaries the
/// tests run on elsewhere). It needs a Docker engine; <see cref="PostgresProviderChoice"/> picks it only where one answers, or when
/// <c>SIGNALS_TEST_POSTGRES_PROVIDER=testcontainers</c> forces it.
/// </remarks>
public sealed class ContainerPostgresServer : IPostgresServer
{
    /// <summary>The environment variable that may name the image to run instead of <see cref="DefaultImage"/>.</summary>
    public const string ImageVariable = "SIGNALS_TEST_POSTGRES_IMAGE";

    /// <summary>The image run when <see cref="ImageVariable"/> is not set.</summary>
    public const string DefaultImage = "postgres:15-alpine";

    private readonly PostgreSqlContainer _container;

    private ContainerPostgresServer(PostgreSqlContainer container, string image)
    {
        _container = container;
        var builder = new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres", IncludeErrorDetail = true };
        ConnectionString = builder.ConnectionString;
        Description = $"a Testcontainers container ({image}) at {builder.Host}:{builder.Port}";
    }

    /// <inheritdoc/>
    public string ConnectionString { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>Starts a container and waits until PostgreSQL accepts connections.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="DotNet.Testcontainers.Builders.DockerUnavailableException">No Docker engine answers.</exception>
    public static async Task<ContainerPostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        string image = Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } configured ? configured : DefaultImage;
        PostgreSqlContainer container = new PostgreSqlBuilder(image)
            .WithCommand("-c", "max_connections=400", "-c", "fsync=off", "-c", "full_page_writes=off")
            .Build();
        try
        {
            await container.StartAsync(cancellationToken);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }

        return new ContainerPostgresServer(container, image);
    }

    /// <inheritdoc/>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
        => (await PostgresDatabases.CreateAsync(ConnectionString, name, cancellationToken)).ConnectionString;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _container.DisposeAsync();
    }
}
