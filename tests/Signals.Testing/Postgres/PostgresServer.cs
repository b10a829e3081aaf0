using Xunit;

namespace Signals.Testing;

/// <summary>
/// The PostgreSQL server of a test assembly: register it with <c>[assembly: AssemblyFixture(typeof(PostgresServer))]</c> and take it
/// in a test class constructor. It connects to the server named by <see cref="ConnectionStringVariable"/> when that is set, and
/// otherwise starts a <see cref="LocalPostgresServer"/>; one server per test assembly, stopped when the assembly's tests end.
/// </summary>
/// <remarks>
/// Docker and Testcontainers are not available on the build machines; <see cref="StartAsync"/> is the seam where a container-backed
/// <see cref="IPostgresServer"/> can be returned instead.
/// </remarks>
public sealed class PostgresServer : IPostgresServer, IAsyncLifetime
{
    /// <summary>The environment variable that may hold the connection string of an existing server to use instead of a local one.</summary>
    public const string ConnectionStringVariable = "SIGNALS_TEST_POSTGRES";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private IPostgresServer? _server;

    /// <summary>Gets the underlying server.</summary>
    /// <exception cref="InvalidOperationException">The fixture has not been initialized.</exception>
    public IPostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    /// <inheritdoc/>
    public string ConnectionString => Server.ConnectionString;

    /// <summary>Starts (or connects to) a server: <see cref="ExternalPostgresServer"/> when <see cref="ConnectionStringVariable"/> is set, otherwise <see cref="LocalPostgresServer"/>.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The server; dispose it to stop it.</returns>
    public static async Task<IPostgresServer> StartAsync(CancellationToken cancellationToken = default)
        => Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } connectionString
            ? new ExternalPostgresServer(connectionString)
            : await LocalPostgresServer.StartAsync(cancellationToken: cancellationToken);

    /// <inheritdoc/>
    public Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
        => Server.CreateDatabaseAsync(name, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        _server = await StartAsync(timeout.Token);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync();
        }
    }
}
