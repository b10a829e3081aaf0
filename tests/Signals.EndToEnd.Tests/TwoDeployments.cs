namespace Signals.EndToEnd.Tests;

/// <summary>Two deployments of the chat sample (X and Y), one instance each, on two databases: two version lines that overlap.</summary>
public abstract class TwoDeployments : IAsyncLifetime
{
    internal ChatInstance X { get; private set; } = null!;

    internal ChatInstance Y { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        X = await ChatInstance.StartAsync("deployment-x", await CreateStorageAsync("x", timeout.Token), timeout.Token);
        Y = await ChatInstance.StartAsync("deployment-y", await CreateStorageAsync("y", timeout.Token), timeout.Token);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Y is not null)
        {
            await Y.DisposeAsync();
        }

        if (X is not null)
        {
            await X.DisposeAsync();
        }
    }

    /// <summary>Creates the database of one deployment.</summary>
    private protected abstract Task<ChatStorage> CreateStorageAsync(string name, CancellationToken cancellationToken);
}

/// <summary>Two deployments on two PostgreSQL databases of one server.</summary>
/// <param name="postgres">The assembly's PostgreSQL server.</param>
public sealed class PostgreSqlTwoDeployments(PostgresServer postgres) : TwoDeployments
{
    private protected override async Task<ChatStorage> CreateStorageAsync(string name, CancellationToken cancellationToken)
        => ChatStorage.PostgreSql(await postgres.CreateDatabaseAsync("epoch_" + name, cancellationToken));
}

/// <summary>Two deployments on two SQLite files.</summary>
public sealed class SqliteTwoDeployments : TwoDeployments
{
    private readonly TempDirectory _directory = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    private protected override Task<ChatStorage> CreateStorageAsync(string name, CancellationToken cancellationToken)
        => Task.FromResult(ChatStorage.SqliteFile(_directory.File(name + ".db")));
}
