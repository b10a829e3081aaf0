using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signals;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>Extension methods that map the Signals outbox into an application's <see cref="DbContext"/> model.</summary>
public static class SignalsModelBuilderExtensions
{
    /// <summary>The default table name of the outbox: <c>signals_outbox</c>.</summary>
    public const string DefaultTableName = "signals_outbox";

    /// <summary>
    /// Maps <see cref="SignalOutboxEntry"/> to the <c>signals_outbox</c> table (columns <c>id</c> identity, <c>key</c>
    /// varchar(512), <c>created_at</c>), so version bumps commit or roll back with the application's own data.
    /// </summary>
    /// <param name="modelBuilder">The model builder, usually the one passed to <see cref="DbContext.OnModelCreating(ModelBuilder)"/>.</param>
    /// <param name="configure">
    /// Optionally changes the mapping after the defaults are applied (e.g. <c>b =&gt; b.ToTable("outbox", "signals")</c>). The dispatchers
    /// read the table and column names from the model, so renamed tables and columns keep working.
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// The mapping is explicit (not a hidden model customizer) so that it shows up in migrations like any other entity.
    /// There is deliberately no index besides the primary key: every write inserts, and an extra index would slow every save.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="modelBuilder"/> is <see langword="null"/>.</exception>
    public static ModelBuilder AddSignalsOutbox(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<SignalOutboxEntry>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<SignalOutboxEntry>(entry =>
        {
            entry.ToTable(DefaultTableName);
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
            entry.Property(e => e.Key).HasColumnName("key").HasMaxLength(SignalKey.MaxByteCount).IsRequired();
            entry.Property(e => e.CreatedAt).HasColumnName("created_at").IsRequired();
            configure?.Invoke(entry);
        });
        return modelBuilder;
    }
}
