namespace Signals.Testing;

/// <summary>
/// A PostgreSQL server for tests: a throwaway local one (<see cref="LocalPostgresServer"/>), a throwaway container
/// (<see cref="ContainerPostgresServer"/>) or an existing one named by a connection string (<see cref="ExternalPostgresServer"/>).
/// <see cref="PostgresServer"/> picks one (<see cref="PostgresProviderChoice"/>).
/// </summary>
public interface IPostgresServer : IAsyncDisposable
{
    /// <summary>Gets a connection string to the server's maintenance database (<c>postgres</c>) as a superuser.</summary>
    string ConnectionString { get; }

    /// <summary>Gets what the server is and where, for a person reading the test output (no credentials).</summary>
    string Description { get; }

    /// <summary>Creates a fresh, empty database.</summary>
    /// <param name="name">A readable prefix for the database name; a unique suffix is appended.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A connection string to the new database.</returns>
    Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default);
}
