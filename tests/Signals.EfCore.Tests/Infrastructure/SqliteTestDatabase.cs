using Microsoft.Data.Sqlite;

namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>A SQLite file of its own in a fresh temporary directory, removed on disposal.</summary>
internal sealed class SqliteTestDatabase : IDisposable
{
    private readonly string _directory;

    private SqliteTestDatabase(string directory, string file)
    {
        _directory = directory;
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = file }.ToString();
    }

    /// <summary>Gets the connection string (the file's full path).</summary>
    public string ConnectionString { get; }

    /// <summary>Creates the file; with <paramref name="schema"/>, the test model's tables too (<c>EnsureCreated</c>, so in WAL mode).</summary>
    public static async Task<SqliteTestDatabase> CreateAsync(string name, bool schema = true)
    {
        string directory = Path.Combine(Path.GetTempPath(), "signals-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var database = new SqliteTestDatabase(directory, Path.Combine(directory, name + ".db"));
        if (schema)
        {
            await database.CreateSchemaAsync();
        }

        return database;
    }

    /// <summary>Creates the test model's tables.</summary>
    public async Task CreateSchemaAsync()
    {
        await using ChatDbContext context = CreateContext();
        await context.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A context made with <c>new</c> and Signals on SQLite (no dispatcher link: its saves wake nobody).</summary>
    public ChatDbContext CreateContext()
        => new(new DbContextOptionsBuilder<ChatDbContext>().UseSqlite(ConnectionString).UseSignals(signals => signals.UseSqlite()).Options);

    /// <summary>Reads every outbox row, in id order.</summary>
    public async Task<List<SignalOutboxEntry>> ReadOutboxAsync()
    {
        await using ChatDbContext context = CreateContext();
        return await context.Outbox.AsNoTracking().OrderBy(e => e.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Runs one SQL statement on a connection of its own and returns the first column of the first row.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection of a stopped app may still hold the file a moment: the temporary directory is cleaned by the OS.
        }
    }
}
