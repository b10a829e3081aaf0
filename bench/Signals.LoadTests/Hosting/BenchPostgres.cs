using Npgsql;
using Signals.Testing;

namespace Signals.LoadTests.Hosting;

/// <summary>
/// The PostgreSQL server of a run: the one named by <see cref="ConnectionStringVariable"/>, or a throwaway local server started
/// from the binaries with durability on (<c>fsync</c>), so a commit costs what it costs in production.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    /// <summary>The environment variable that may hold the connection string of an existing server (with the right to create databases).</summary>
    public const string ConnectionStringVariable = "SIGNALS_BENCH_POSTGRES";

    private readonly IPostgresServer _server;

    private BenchPostgres(IPostgresServer server, string description)
    {
        _server = server;
        Description = description;
    }

    /// <summary>Gets what the server is, for the report (version, local or external, durability).</summary>
    public string Description { get; }

    /// <summary>Starts or connects to the server.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The server.</returns>
    public static async Task<BenchPostgres> StartAsync(CancellationToken cancellationToken)
    {
        bool external = Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 };
        IPostgresServer server = external
            ? new ExternalPostgresServer(Environment.GetEnvironmentVariable(ConnectionStringVariable)!)
            : await LocalPostgresServer.StartAsync(durable: true, cancellationToken: cancellationToken);
        try
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', wal_level=' || current_setting('wal_level')", connection);
            string settings = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new BenchPostgres(server, $"PostgreSQL {settings} ({(external ? $"external, {ConnectionStringVariable}" : "throwaway local server")})");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a fresh database for one scenario.</summary>
    /// <param name="name">A readable prefix for its name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Its connection string, with a pool large enough for the scenario's writers.</returns>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        string connectionString = await _server.CreateDatabaseAsync(name, cancellationToken);
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 80, IncludeErrorDetail = true }.ConnectionString;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
