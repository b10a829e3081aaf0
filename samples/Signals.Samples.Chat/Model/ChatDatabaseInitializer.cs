using Microsoft.EntityFrameworkCore;

namespace Signals.Samples.Chat.Model;

/// <summary>
/// Creates the schema — on PostgreSQL by applying the EF Core migrations in <c>Migrations/</c> (which include the Signals tables that
/// <c>AddSignalsOutbox()</c> maps), in memory with <c>EnsureCreated</c> — and seeds two rooms. Registered before the Signals
/// dispatcher, so the outbox table exists when the dispatcher starts. Instances starting together on one database are safe: EF Core
/// takes a database lock while it migrates.
/// </summary>
/// <param name="services">The app's services, to create a scoped <see cref="ChatDbContext"/>.</param>
internal sealed class ChatDatabaseInitializer(IServiceScopeFactory services) : IHostedService
{
    private static readonly Room[] SeedRooms = [new() { Id = "general", Name = "General" }, new() { Id = "random", Name = "Random" }];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        if (db.Database.IsRelational())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        else
        {
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }

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
        catch (DbUpdateException) when (db.Database.IsRelational())
        {
            // Another instance seeded the same rooms first: they exist, which is all that matters.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
