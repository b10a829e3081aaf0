using Microsoft.EntityFrameworkCore;

namespace Signals.Samples.Chat.Model;

/// <summary>
/// Creates the schema by applying the provider's EF Core migrations (<c>Migrations/Sqlite</c> or <c>Migrations/PostgreSql</c>, which
/// include the Signals tables that <c>AddSignalsOutbox()</c> maps; a new SQLite file is created in WAL mode) and seeds two rooms.
/// Registered before the Signals dispatcher, so the outbox table exists when the dispatcher starts. Instances starting together on one
/// database are safe: EF Core takes a database lock while it migrates.
/// </summary>
/// <param name="services">The app's services, to create a scoped <see cref="ChatDbContext"/>.</param>
internal sealed class ChatDatabaseInitializer(IServiceScopeFactory services) : IHostedService
{
    private static readonly Room[] SeedRooms = [new() { Id = "general", Name = "General" }, new() { Id = "random", Name = "Random" }];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        await db.Database.MigrateAsync(cancellationToken);

        foreach (Room room in SeedRooms)
        {
            if (!await db.Rooms.AnyAsync(r => r.Id == room.Id, cancellationToken))
            {
                db.Rooms.Add(new Room { Id = room.Id, Name = room.Name });
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance seeded the same rooms first: they exist, which is all that matters.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
