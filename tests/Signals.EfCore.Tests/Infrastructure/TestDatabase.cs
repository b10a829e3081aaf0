using Npgsql;

namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>A fresh PostgreSQL database with the test schema.</summary>
internal static class TestDatabase
{
    public static async Task<string> CreateAsync(PostgresServer server, string name)
    {
        string connectionString = await server.CreateDatabaseAsync(name, TestContext.Current.CancellationToken);
        await using ChatDbContext context = CreateContext(connectionString);
        await context.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        return connectionString;
    }

    /// <summary>A context made with <c>new</c> (no dispatcher link): it stages outbox rows in its commands but wakes nobody.</summary>
    public static ChatDbContext CreateContext(string connectionString, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
        => new(new DbContextOptionsBuilder<ChatDbContext>()
            .UseNpgsql(connectionString)
            .UseSignals(signals => signals.UsePostgreSql())
            .AddInterceptors(interceptors)
            .Options);

    /// <summary>Saves one chat message through a context made with <c>new</c> (see <see cref="CreateContext"/>): its outbox rows are written, nobody is woken.</summary>
    public static async Task SaveMessageAsync(string connectionString, string room, string text)
    {
        await using ChatDbContext context = CreateContext(connectionString);
        context.Messages.Add(new ChatMessage { RoomId = room, Text = text });
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Reads every outbox row, in id order.</summary>
    public static async Task<List<SignalOutboxEntry>> ReadOutboxAsync(string connectionString)
    {
        await using ChatDbContext context = CreateContext(connectionString);
        return await context.Outbox.AsNoTracking().OrderBy(e => e.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Runs one SQL statement on its own connection and returns the first column of the first row.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Runs SQL on its own connection.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Wakes every dispatcher on the database, as another writer's notification would.</summary>
    public static Task NotifyAsync(string connectionString) => ExecuteAsync(connectionString, "SELECT pg_notify('signals', '0')");

    public static async Task<string[]> ReadOutboxKeysAsync(string connectionString)
        => [.. (await ReadOutboxAsync(connectionString)).Select(e => e.Key).Order(StringComparer.Ordinal)];
}
