namespace Signals.EntityFrameworkCore.Tests.Model.Capture;

/// <summary>
/// A context that captures its signal entities (<c>HasSignalCapture()</c> model-wide, one entity opted out), on PostgreSQL or SQLite:
/// <see cref="CapturedMoment"/> only on PostgreSQL, where its <see cref="DateTimeOffset"/> key is formatted exactly.
/// </summary>
/// <param name="options">The options.</param>
public sealed class CaptureDbContext(DbContextOptions<CaptureDbContext> options) : DbContext(options)
{
    /// <summary>Gets the captured items.</summary>
    public DbSet<CapturedItem> Items => Set<CapturedItem>();

    /// <summary>Gets the notes, which are not captured.</summary>
    public DbSet<UncapturedNote> Notes => Set<UncapturedNote>();

    /// <summary>Gets the outbox.</summary>
    public DbSet<SignalOutboxEntry> Outbox => Set<SignalOutboxEntry>();

    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder) => Configure(modelBuilder, Database.IsNpgsql());

    /// <summary>Builds the model of this context, and of <see cref="ReplicatedCaptureDbContext"/> before it picks its mechanism.</summary>
    /// <param name="modelBuilder">The model builder.</param>
    /// <param name="npgsql">Whether the context is on PostgreSQL.</param>
    internal static void Configure(ModelBuilder modelBuilder, bool npgsql)
    {
        modelBuilder.Entity<CapturedItem>(item =>
        {
            item.ToTable("captured_items");
            item.Property(i => i.Id).HasColumnName("id").ValueGeneratedNever();
            item.Property(i => i.Name).HasColumnName("name");
            item.Property(i => i.Nickname).HasColumnName("nickname");
            item.Property(i => i.StoredMood).HasConversion<string>().HasMaxLength(20);
            item.Property(i => i.Owner).HasConversion(o => o.Value, v => new OwnerId(v));
        });
        modelBuilder.Entity<UncapturedNote>().ToTable("notes").HasSignalCapture(enabled: false);
        if (npgsql)
        {
            modelBuilder.Entity<CapturedMoment>().ToTable("captured_moments");
        }

        modelBuilder.HasSignalCapture();
        modelBuilder.AddSignalsOutbox();
    }
}
