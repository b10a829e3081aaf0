namespace Signals.Testing;

/// <summary>
/// A PostgreSQL server for tests: a throwaway local one (<see cref="LocalPostgresServer"/>), an existing one named by a connection
/// string (<see cref="ExternalPostgresServer"/>), or — where it restores — a Testcontainers one behind the same seam.
/// </summary>
public interface IPostgresServer : IAsyncDisposable
{
    /// <summary>Gets a connection string to the server's maintenance database (<c>postgres</c>) as a superuser.</summary>
    string ConnectionString { get; }

    /// <summary>Creates a fresh, empty database.</summary>
    /// <param name="name">A readable prefix for the database name; a unique suffix is appended.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A connection string to the new database.</returns>
    Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default);
}
