namespace Signals.EntityFrameworkCore.Tests.Model;

/// <summary>
/// One tenant's context, on a database of its own: the tests map the <c>config</c> namespace (<see cref="Setting"/>) to it. It maps
/// <see cref="ChatMessage"/> too (the same tables as <see cref="ChatDbContext"/>, so a database made for that context serves this one),
/// whose <c>chat</c> keys are the app's: saving one here must fail.
/// </summary>
public sealed class TenantDbContext(DbContextOptions<TenantDbContext> options) : DbContext(options)
{
    public DbSet<Setting> Settings => Set<Setting>();

    public DbSet<ChatMessage> Messages => Set<ChatMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ChatMessage>().Property(m => m.Id).ValueGeneratedNever();
        modelBuilder.Entity<Setting>().HasKey(s => s.Name);
        modelBuilder.AddSignalsOutbox();
    }
}
