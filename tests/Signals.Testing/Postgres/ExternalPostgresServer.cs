using System.Collections.Concurrent;
using Npgsql;

namespace Signals.Testing;

/// <summary>
/// An existing PostgreSQL server named by a connection string (e.g. from <c>SIGNALS_TEST_POSTGRES</c>). Databases it creates get
/// unique names and are dropped on dispose; the server itself is left alone.
/// </summary>
public sealed class ExternalPostgresServer : IPostgresServer
{
    private readonly ConcurrentBag<string> _databases = [];

    /// <summary>Initializes a new instance.</summary>
    /// <param name="connectionString">A connection string with the right to create databases.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or invalid.</exception>
    public ExternalPostgresServer(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        ConnectionString = builder.ConnectionString;
        Description = $"an existing server at {builder.Host}:{builder.Port}";
    }

    /// <inheritdoc/>
    public string ConnectionString { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        (string database, string connectionString) = await PostgresDatabases.CreateAsync(ConnectionString, name, cancellationToken);
        _databases.Add(database);
        return connectionString;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (string database in _databases)
        {
            try
            {
                await PostgresDatabases.DropAsync(ConnectionString, database);
            }
            catch (NpgsqlException)
            {
                // Best effort: a database left behind on a shared server has a unique name and harms nobody.
            }
        }
    }
}
