using Signals.EntityFrameworkCore;

namespace Signals.EndToEnd.Tests;

/// <summary>The chat sample's model with its captured entities captured by logical replication instead of the sample's triggers.</summary>
/// <param name="options">The context options (Npgsql; Signals from <c>AddEntityFrameworkCoreOutbox()</c>).</param>
internal sealed class ReplicatedChatDbContext(DbContextOptions<ReplicatedChatDbContext> options) : ChatDbContext(options)
{
    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasSignalCaptureMechanism(SignalCaptureMechanism.LogicalReplication);
    }
}
