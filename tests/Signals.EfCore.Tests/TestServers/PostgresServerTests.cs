using Npgsql;
using Signals.Testing;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>The shared PostgreSQL fixture hands out fresh, separate databases.</summary>
public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task CreateDatabaseAsync_returns_fresh_separate_databases()
    {
        string first = await server.CreateDatabaseAsync("fixture", TestContext.Current.CancellationToken);
        string second = await server.CreateDatabaseAsync("fixture", TestContext.Current.CancellationToken);

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        await using var connection = new NpgsqlConnection(first);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
