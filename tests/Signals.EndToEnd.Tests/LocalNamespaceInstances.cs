using Npgsql;
using Signals.Testing;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// Two instances of the chat sample on one PostgreSQL database, with the sample's <c>counter</c> namespace mapped to the instance-local
/// in-memory store by configuration (<c>Signals:Namespaces:counter:Store = InMemory</c>). The server is this fixture's own, started
/// with <c>pg_stat_statements</c> loaded, so the tests can show which statements ran.
/// </summary>
public sealed class LocalNamespaceInstances : IAsyncLifetime
{
    private LocalPostgresServer? _server;

    internal ChatInstance A { get; private set; } = null!;

    internal ChatInstance B { get; private set; } = null!;

    /// <summary>Gets the connection string of the instances' database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _server = await LocalPostgresServer.StartAsync(cancellationToken: timeout.Token);
        await ExecuteAsync(_server.ConnectionString, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'", timeout.Token);
        await _server.StopAsync(cancellationToken: timeout.Token);
        await _server.StartAgainAsync(timeout.Token);
        ConnectionString = await _server.CreateDatabaseAsync("chat_local", timeout.Token);
        await ExecuteAsync(ConnectionString, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", timeout.Token);

        string[] local = ["--Signals:Namespaces:counter:Store", "InMemory"];
        A = await ChatInstance.StartAsync("app-a", ChatStorage.PostgreSql(ConnectionString), timeout.Token, local);
        B = await ChatInstance.StartAsync("app-b", ChatStorage.PostgreSql(ConnectionString), timeout.Token, local);
    }

    public async ValueTask DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Runs one statement on the instances' database and returns its first column of its first row.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        // Not pooled: the server restarts after the first statement, and a pooled connection would be handed to the next user dead.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
