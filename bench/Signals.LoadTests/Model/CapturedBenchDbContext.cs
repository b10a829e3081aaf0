using Microsoft.EntityFrameworkCore;

namespace Signals.LoadTests.Model;

/// <summary>
/// <see cref="BenchDbContext"/> with change data capture on (<c>HasSignalCapture()</c>): triggers, not the interceptor, bump the keys of
/// <see cref="BenchItem"/> and <see cref="BenchEntry"/>. A type of its own, because EF Core caches one model per context type.
/// </summary>
/// <param name="options">The context options (<see cref="Options"/>).</param>
public sealed class CapturedBenchDbContext(DbContextOptions<CapturedBenchDbContext> options) : BenchDbContext(options)
{
    /// <summary>Options for a captured context: Npgsql with Signals (<c>UsePostgreSql()</c>, which writes the triggers).</summary>
    /// <param name="connectionString">The database.</param>
    /// <returns>The options.</returns>
    public static DbContextOptions<CapturedBenchDbContext> Options(string connectionString)
        => new DbContextOptionsBuilder<CapturedBenchDbContext>().UseNpgsql(connectionString).UseSignals(s => s.UsePostgreSql()).Options;

    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasSignalCapture();
    }
}
