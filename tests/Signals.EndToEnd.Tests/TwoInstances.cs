namespace Signals.EndToEnd.Tests;

/// <summary>Two instances of the chat sample (A and B) on one database, as two app servers behind a load balancer would be.</summary>
public abstract class TwoInstances : IAsyncLifetime
{
    internal ChatInstance A { get; private set; } = null!;

    internal ChatInstance B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        ChatStorage storage = await CreateStorageAsync(timeout.Token);

        // A first: it creates the schema; B then starts on the existing database.
        A = await ChatInstance.StartAsync("app-a", storage, timeout.Token);
        B = await ChatInstance.StartAsync("app-b", storage, timeout.Token);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (A is not null)
        {
            await A.DisposeAsync();
        }
    }

    /// <summary>Creates the database both instances share.</summary>
    private protected abstract Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken);
}

/// <summary>Two instances on one fresh PostgreSQL database: changes cross over by <c>LISTEN/NOTIFY</c>.</summary>
/// <param name="postgres">The assembly's PostgreSQL server.</param>
public sealed class PostgreSqlTwoInstances(PostgresServer postgres) : TwoInstances
{
    private protected override async Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken)
        => ChatStorage.PostgreSql(await postgres.CreateDatabaseAsync("chat_e2e", cancellationToken));
}

/// <summary>Two instances on one SQLite file: changes cross over by each instance's polling dispatcher.</summary>
public sealed class SqliteTwoInstances : TwoInstances
{
    private readonly TempDirectory _directory = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    private protected override Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken)
        => Task.FromResult(ChatStorage.SqliteFile(_directory.File("chat.db")));
}
