using Npgsql;
using Signals.Testing;

namespace Signals.Chaos.Tests;

/// <summary>The throwaway server can be stopped and started again on its port and data directory, which the chaos test relies on.</summary>
public sealed class LocalPostgresServerRestartTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(PostgresStopMode.Fast)]
    [InlineData(PostgresStopMode.Immediate)]
    public async Task Stopped_server_starts_again_on_the_same_port_with_its_data(PostgresStopMode mode)
    {
        await using LocalPostgresServer server = await LocalPostgresServer.StartAsync(cancellationToken: Cancel);
        string database = await server.CreateDatabaseAsync("restart", Cancel);
        await ExecuteAsync(database, "CREATE TABLE kept (value int); INSERT INTO kept VALUES (42)");
        int port = server.Port;

        await server.StopAsync(mode, Cancel);

        Assert.False(server.IsRunning);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ExecuteAsync(database, "SELECT 1"));

        await server.StartAgainAsync(Cancel);

        Assert.True(server.IsRunning);
        Assert.Equal(port, server.Port);
        Assert.Equal(42, await ScalarAsync(database, "SELECT value FROM kept"));
    }

    [Fact]
    public async Task Wrong_calls_are_refused_and_change_nothing()
    {
        await using LocalPostgresServer server = await LocalPostgresServer.StartAsync(cancellationToken: Cancel);
        string database = await server.CreateDatabaseAsync("misuse", Cancel);

        var badMode = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => server.StopAsync((PostgresStopMode)7, Cancel));
        Assert.Equal("mode", badMode.ParamName);
        var running = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAgainAsync(Cancel));
        Assert.Contains("already running", running.Message, StringComparison.Ordinal);
        Assert.True(server.IsRunning);
        Assert.Equal(1, await ScalarAsync(database, "SELECT 1"));

        await server.StopAsync(cancellationToken: Cancel);
        var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StopAsync(cancellationToken: Cancel));
        Assert.Contains("not running", stopped.Message, StringComparison.Ordinal);
        Assert.False(server.IsRunning);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private static async Task<int> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        return (int)(await command.ExecuteScalarAsync(Cancel))!;
    }
}
