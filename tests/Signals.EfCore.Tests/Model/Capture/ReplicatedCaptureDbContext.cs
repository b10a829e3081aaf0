namespace Signals.EntityFrameworkCore.Tests.Model.Capture;

/// <summary>
/// <see cref="CaptureDbContext"/>'s model captured by logical replication (<c>HasSignalCaptureMechanism(LogicalReplication)</c>), on
/// PostgreSQL: a context type of its own, since EF Core builds one model per context type.
/// </summary>
/// <param name="options">The options.</param>
public sealed class ReplicatedCaptureDbContext(DbContextOptions<ReplicatedCaptureDbContext> options) : DbContext(options)
{
    /// <summary>Gets the captured items.</summary>
    public DbSet<CapturedItem> Items => Set<CapturedItem>();

    /// <summary>Gets the notes, which are not captured.</summary>
    public DbSet<UncapturedNote> Notes => Set<UncapturedNote>();

    /// <summary>Gets the outbox.</summary>
    public DbSet<SignalOutboxEntry> Outbox => Set<SignalOutboxEntry>();

    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        CaptureDbContext.Configure(modelBuilder, Database.IsNpgsql());
        modelBuilder.HasSignalCaptureMechanism(SignalCaptureMechanism.LogicalReplication);
    }
}
