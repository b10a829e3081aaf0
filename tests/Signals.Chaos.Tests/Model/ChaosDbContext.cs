using Microsoft.EntityFrameworkCore;
using Signals.EntityFrameworkCore;

namespace Signals.Chaos.Tests.Model;

/// <summary>
/// The chaos test's application context: notes (their keys bumped by the <c>SaveChanges</c> interceptor), raw notes (a captured table:
/// triggers bump their keys) plus the Signals outbox.
/// </summary>
/// <param name="options">The context options (Npgsql or SQLite, with Signals' provider for it).</param>
public sealed class ChaosDbContext(DbContextOptions<ChaosDbContext> options) : DbContext(options)
{
    /// <summary>Gets the notes.</summary>
    public DbSet<ChaosNote> Notes => Set<ChaosNote>();

    /// <summary>Gets the raw notes (written by raw SQL only; read back by the verdict).</summary>
    public DbSet<ChaosRawNote> RawNotes => Set<ChaosRawNote>();

    /// <summary>Gets the outbox, read back by the verdict.</summary>
    public DbSet<SignalOutboxEntry> Outbox => Set<SignalOutboxEntry>();

    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ChaosNote>(note =>
        {
            note.ToTable("chaos_notes");
            note.Property(n => n.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<ChaosRawNote>(note =>
        {
            note.ToTable("chaos_raw_notes");
            note.Property(n => n.Id).ValueGeneratedNever();
            note.HasSignalCapture();
        });
        modelBuilder.AddSignalsOutbox();
    }
}
