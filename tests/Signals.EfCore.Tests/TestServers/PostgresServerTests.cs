using Npgsql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>The shared PostgreSQL fixture hands out fresh, separate databases, from the server its choice names.</summary>
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

    [Fact]
    public void The_server_is_the_one_the_choice_names()
    {
        Type expected = server.Choice.Provider switch
        {
            PostgresProvider.External => typeof(ExternalPostgresServer),
            PostgresProvider.Testcontainers => typeof(ContainerPostgresServer),
            _ => typeof(LocalPostgresServer),
        };

        Assert.IsType(expected, server.Server);
        Assert.Equal(server.Server.Description, server.Description);
        Assert.False(string.IsNullOrWhiteSpace(server.Choice.Reason));
    }
}
