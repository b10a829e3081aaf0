using Microsoft.EntityFrameworkCore;

namespace Signals.LoadTests.Model;

/// <summary>The benchmark's data: <see cref="BenchItem"/> and <see cref="BenchEntry"/> rows and the Signals outbox.</summary>
public class BenchDbContext : DbContext
{
    /// <summary>Initializes a new instance of the <see cref="BenchDbContext"/> class.</summary>
    /// <param name="options">The context options (with or without Signals).</param>
    public BenchDbContext(DbContextOptions<BenchDbContext> options)
        : base(options)
    {
    }

    /// <summary>Initializes a new instance for a derived context (<see cref="CapturedBenchDbContext"/>, <see cref="ReplicatedBenchDbContext"/>).</summary>
    /// <param name="options">The derived context's options.</param>
    protected BenchDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>Gets the items.</summary>
    public DbSet<BenchItem> Items => Set<BenchItem>();

    /// <summary>Gets the entries.</summary>
    public DbSet<BenchEntry> Entries => Set<BenchEntry>();

    /// <summary>Options for a plain context: Npgsql without Signals (the baseline of the write-overhead scenario).</summary>
    /// <param name="connectionString">The database.</param>
    /// <returns>The options.</returns>
    public static DbContextOptions<BenchDbContext> PlainOptions(string connectionString)
        => new DbContextOptionsBuilder<BenchDbContext>().UseNpgsql(connectionString).Options;

    /// <summary>
    /// Creates the schema (with what <c>UsePostgreSql()</c> adds to the Signals tables) and the rows <c>1..items</c>, without outbox rows,
    /// so no key has a version yet.
    /// </summary>
    /// <param name="connectionString">The database (empty).</param>
    /// <param name="items">How many rows to create.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <param name="schemaContext">
    /// Creates the context whose model the schema is created from, given the connection string (e.g. a
    /// <see cref="CapturedBenchDbContext"/>, with its capture triggers, or a <see cref="ReplicatedBenchDbContext"/>, with its publication
    /// and slot); <see langword="null"/> for <see cref="BenchDbContext"/> with Signals.
    /// </param>
    /// <returns>A task that completes when the rows exist.</returns>
    public static async Task CreateSchemaAsync(string connectionString, int items, CancellationToken cancellationToken, Func<string, BenchDbContext>? schemaContext = null)
    {
        await using (BenchDbContext schema = schemaContext?.Invoke(connectionString)
            ?? new BenchDbContext(new DbContextOptionsBuilder<BenchDbContext>().UseNpgsql(connectionString).UseSignals(s => s.UsePostgreSql()).Options))
        {
            await schema.Database.EnsureCreatedAsync(cancellationToken);
        }

        await using var db = new BenchDbContext(PlainOptions(connectionString));
        db.Items.AddRange(Enumerable.Range(1, items).Select(static id => new BenchItem { Id = id }));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Stages an update of one row without reading it first: the save is one <c>UPDATE</c>.</summary>
    /// <param name="id">The row.</param>
    /// <param name="value">The new value.</param>
    public void StageUpdate(long id, long value)
    {
        var item = new BenchItem { Id = id, Value = value - 1 };
        Items.Attach(item);
        item.Value = value;
    }

    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchItem>(item =>
        {
            item.ToTable("items");
            item.Property(i => i.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<BenchEntry>(entry =>
        {
            entry.ToTable("entries");
            entry.Property(e => e.Id).ValueGeneratedNever();
        });
        modelBuilder.AddSignalsOutbox();
    }
}
