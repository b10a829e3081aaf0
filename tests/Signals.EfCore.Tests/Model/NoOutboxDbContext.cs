namespace Signals.EntityFrameworkCore.Tests.Model;

/// <summary>A context that forgot <c>AddSignalsOutbox()</c>.</summary>
public sealed class NoOutboxDbContext(DbContextOptions<NoOutboxDbContext> options) : DbContext(options)
{
    public DbSet<ChatMessage> Messages => Set<ChatMessage>();
}
