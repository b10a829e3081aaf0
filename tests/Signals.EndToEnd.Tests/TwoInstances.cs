using Signals.Testing;

namespace Signals.EndToEnd.Tests;

/// <summary>Two instances of the chat sample (A and B) on one fresh PostgreSQL database, as two app servers behind a load balancer would be.</summary>
public sealed class TwoInstances(PostgresServer postgres) : IAsyncLifetime
{
    internal ChatInstance A { get; private set; } = null!;

    internal ChatInstance B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        string connectionString = await postgres.CreateDatabaseAsync("chat_e2e", timeout.Token);

        // A first: it creates the schema; B then starts on the existing database.
        A = await ChatInstance.StartAsync("app-a", connectionString, timeout.Token);
        B = await ChatInstance.StartAsync("app-b", connectionString, timeout.Token);
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
    }
}
