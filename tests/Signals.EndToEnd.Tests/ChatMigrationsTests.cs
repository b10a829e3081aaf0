using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Signals.Samples.Chat.Model;
using Signals.Testing;

namespace Signals.EndToEnd.Tests;

/// <summary>The sample's hand-written EF Core migration: it matches the model (Signals tables included) and creates a working schema.</summary>
public sealed class ChatMigrationsTests(PostgresServer server)
{
    [Fact]
    public async Task The_migrations_match_the_model_and_a_started_instance_applies_them()
    {
        string db = await server.CreateDatabaseAsync("chatmigrate", TestContext.Current.CancellationToken);
        await using (var context = new ChatDbContext(new DbContextOptionsBuilder<ChatDbContext>().UseNpgsql(db).UseSignals(s => s.UsePostgreSql()).Options))
        {
            Assert.False(context.Database.HasPendingModelChanges(), "The model has changes the migrations do not have: add a migration.");
            Assert.Equal(["20260101000000_InitialCreate", "20260102000000_AddParticipants"], context.Database.GetMigrations());
        }

        await using (ChatInstance instance = await ChatInstance.StartAsync("migrated", db, TestContext.Current.CancellationToken))
        {
            await using AsyncServiceScope scope = instance.Services.CreateAsyncScope();
            ChatDbContext context = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            Assert.Equal(["20260101000000_InitialCreate", "20260102000000_AddParticipants"], await context.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
            Assert.Empty(await context.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
            Assert.Equal(2, await context.Rooms.CountAsync(TestContext.Current.CancellationToken));
        }
    }
}
