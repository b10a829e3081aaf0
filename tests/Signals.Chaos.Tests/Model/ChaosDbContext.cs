using Microsoft.EntityFrameworkCore;
using Signals.EntityFrameworkCore;

namespace Signals.Chaos.Tests.Model;

/// <summary>
/// The chaos test's application context: notes (their keys bumped by the <c>SaveChanges</c> interceptor), raw notes (a captured table:
/// triggers bump their keys), on PostgreSQL replicated notes (a table captured by logical replication), plus the Signals outbox.
/// </summary>
/// <remarks>
/// The model differs per provider: SQLite cannot capture by logical replication (a model asking for it there refuses to build), so on
/// SQLite the replicated notes are left out of the model and the SQLite run has no replicated writer. EF Core caches the model per
/// provider, since each provider's options get their own internal service provider.
/// </remarks>
/// <param name="options">The context options (Npgsql or SQLite, with Signals' provider for it).</param>
public sealed class ChaosDbContext(DbContextOptions<ChaosDbContext> options) : DbContext(options)
{
    /// <summary>Gets the notes.</summary>
    public DbSet<ChaosNote> Notes => Set<ChaosNote>();

    /// <summary>Gets the raw notes (written by raw SQL only; read back by the verdict).</summary>
    public DbSet<ChaosRawNote> RawNotes => Set<ChaosRawNote>();

    /// <summary>Gets the replicated notes (written by raw SQL only; read back by the verdict). PostgreSQL only: not in the model on SQLite.</summary>
    public DbSet<ChaosReplicatedNote> ReplicatedNotes => Set<ChaosReplicatedNote>();

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
        if (Database.IsNpgsql())
        {
            modelBuilder.Entity<ChaosReplicatedNote>(note =>
            {
                note.ToTable("chaos_replicated_notes");
                note.Property(n => n.Id).ValueGeneratedNever();
                note.HasSignalCapture().HasSignalCaptureMechanism(SignalCaptureMechanism.LogicalReplication);
            });
        }
        else
        {
            modelBuilder.Ignore<ChaosReplicatedNote>();
        }

        modelBuilder.AddSignalsOutbox();
    }
}
