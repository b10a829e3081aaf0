namespace Signals.EntityFrameworkCore.Tests.Model;

/// <summary>The application context of the tests: data plus the Signals outbox.</summary>
public sealed class ChatDbContext(DbContextOptions<ChatDbContext> options) : DbContext(options)
{
    public DbSet<ChatMessage> Messages => Set<ChatMessage>();

    public DbSet<Ticket> Tickets => Set<Ticket>();

    public DbSet<AuditNote> Notes => Set<AuditNote>();

    public DbSet<Setting> Settings => Set<Setting>();

    public DbSet<Computed.Order> Orders => Set<Computed.Order>();

    public DbSet<Computed.Invoice> Invoices => Set<Computed.Invoice>();

    public DbSet<SignalOutboxEntry> Outbox => Set<SignalOutboxEntry>();

    public DbSet<SignalStateEntry> State => Set<SignalStateEntry>();

    public DbSet<SignalValueEntry> Values => Set<SignalValueEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ChatMessage>().Property(m => m.Id).ValueGeneratedNever();
        modelBuilder.Entity<Setting>().HasKey(s => s.Name);
        modelBuilder.AddSignalsOutbox();
    }
}
