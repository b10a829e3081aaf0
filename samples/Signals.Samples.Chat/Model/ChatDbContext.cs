using Microsoft.EntityFrameworkCore;

namespace Signals.Samples.Chat.Model;

/// <summary>The chat's data: rooms, messages, participants, and the Signals outbox that records which keys each save changed.</summary>
/// <remarks>
/// The app and its API use this type; the app registers one subclass per database provider (<see cref="SqliteChatDbContext"/>,
/// <see cref="PostgreSqlChatDbContext"/>), because EF Core migrations are provider-specific: each subclass has its own migrations
/// (<c>Migrations/Sqlite</c>, <c>Migrations/PostgreSql</c>), the way EF Core's docs keep one set per provider.
/// </remarks>
/// <param name="options">The context options (provider; Signals comes from <c>AddEntityFrameworkCoreOutbox()</c>).</param>
public abstract class ChatDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>Gets the rooms.</summary>
    public DbSet<Room> Rooms => Set<Room>();

    /// <summary>Gets the messages.</summary>
    public DbSet<ChatMessage> Messages => Set<ChatMessage>();

    /// <summary>Gets who is in which room.</summary>
    public DbSet<Participant> Participants => Set<Participant>();

    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Room>(room =>
        {
            room.ToTable("rooms");
            room.Property(r => r.Id).HasMaxLength(64);
            room.Property(r => r.Name).HasMaxLength(200);
        });
        modelBuilder.Entity<ChatMessage>(message =>
        {
            message.ToTable("messages");
            message.Property(m => m.RoomId).HasMaxLength(64);
            message.Property(m => m.Author).HasMaxLength(100);
            message.Property(m => m.Text).HasMaxLength(2_000);
            message.HasIndex(m => new { m.RoomId, m.Id });
        });
        modelBuilder.Entity<Participant>(participant =>
        {
            participant.ToTable("participants");
            participant.HasKey(p => new { p.RoomId, p.Id });
            participant.Property(p => p.RoomId).HasMaxLength(64);
            participant.Property(p => p.Id).HasMaxLength(64);
            participant.Property(p => p.Name).HasMaxLength(100);
        });
        modelBuilder.HasSignalCapture(); // every entity above: triggers bump their keys, whoever writes (docs/capture.md)
        modelBuilder.AddSignalsOutbox();
    }
}
