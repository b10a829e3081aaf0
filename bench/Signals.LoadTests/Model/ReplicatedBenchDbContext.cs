using Microsoft.EntityFrameworkCore;
using Signals.EntityFrameworkCore;

namespace Signals.LoadTests.Model;

/// <summary>
/// <see cref="BenchDbContext"/> with change data capture by logical replication (<c>HasSignalCapture()</c> with
/// <see cref="SignalCaptureMechanism.LogicalReplication"/>): <see cref="BenchItem"/> and <see cref="BenchEntry"/> join the outbox's
/// publication (with <c>REPLICA IDENTITY FULL</c>), schema creation makes its <c>pgoutput</c> slot, and a dispatcher on this context
/// reads the slot and writes the keys. A type of its own, because EF Core caches one model per context type.
/// </summary>
/// <param name="options">The context options (<see cref="Options"/>, or the app's pooled factory).</param>
public sealed class ReplicatedBenchDbContext(DbContextOptions<ReplicatedBenchDbContext> options) : BenchDbContext(options)
{
    /// <summary>Options for a replicated context: Npgsql with Signals (<c>UsePostgreSql()</c>, whose schema has the publication and slot).</summary>
    /// <param name="connectionString">The database.</param>
    /// <returns>The options.</returns>
    public static DbContextOptions<ReplicatedBenchDbContext> Options(string connectionString)
        => new DbContextOptionsBuilder<ReplicatedBenchDbContext>().UseNpgsql(connectionString).UseSignals(s => s.UsePostgreSql()).Options;

    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasSignalCapture().HasSignalCaptureMechanism(SignalCaptureMechanism.LogicalReplication);
    }
}
