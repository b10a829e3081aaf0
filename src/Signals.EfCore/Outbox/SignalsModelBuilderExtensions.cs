using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signals;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>Extension methods that map the Signals outbox into an application's <see cref="DbContext"/> model.</summary>
public static class SignalsModelBuilderExtensions
{
    /// <summary>
    /// Maps the Signals tables into the model: <see cref="SignalOutboxEntry"/> to <c>signals_outbox</c> (so version bumps commit or roll
    /// back with the application's own data), <see cref="SignalStateEntry"/> to <c>signals_state</c> (versions compacted by retention)
    /// <see cref="SignalValueEntry"/> to <c>signals_values</c> (the EF Core value store) and <see cref="SignalInstanceEntry"/> to
    /// <c>signals_instances</c> (the instances' heartbeats, <see cref="SignalMesh"/>) and <see cref="SignalDeploymentEntry"/> to
    /// <c>signals_deployment</c> (the epoch of the deployment's version line, which cursors carry); names in <see cref="SignalsTableNames"/>.
    /// </summary>
    /// <param name="modelBuilder">The model builder, usually the one passed to <see cref="DbContext.OnModelCreating(ModelBuilder)"/>.</param>
    /// <param name="configure">
    /// Optionally changes the outbox mapping after the defaults are applied (e.g. <c>b =&gt; b.ToTable("outbox", "signals")</c>); the
    /// state, value, instance and deployment tables follow the outbox's schema. The dispatchers and stores read table and column names from the model, so
    /// renamed tables and columns keep working.
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// <para>
    /// The mapping is explicit (not a hidden model customizer) so that it shows up in migrations like any other entity: <c>dotnet ef
    /// migrations add</c> picks the five tables up.
    /// </para>
    /// <para>
    /// The mapping is provider-neutral. A provider package adds what its database needs through a model convention that its
    /// <c>UseSignals(s =&gt; s.UseX())</c> registers, the way EF Core's own plugins shape the model: PostgreSQL
    /// (<c>UsePostgreSql()</c>) adds the <c>xid xid8</c> transaction-id columns and their indexes, a sequence-drawn id default, a partial
    /// unique index on <c>reannounced_id</c> and <c>jsonb</c> values. Without one the outbox has no index besides its primary key: every
    /// save inserts, and an index costs every save.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="modelBuilder"/> is <see langword="null"/>.</exception>
    public static ModelBuilder AddSignalsOutbox(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<SignalOutboxEntry>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        string? schema = null;
        modelBuilder.Entity<SignalOutboxEntry>(entry =>
        {
            entry.ToTable(SignalsTableNames.Outbox);
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
            entry.Property(e => e.Key).HasColumnName("key").HasMaxLength(SignalKey.MaxByteCount).IsRequired();
            entry.Property(e => e.CreatedAt).HasColumnName("created_at").IsRequired();
            entry.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(OutboxModel.HashMaxLength);
            entry.Property(e => e.ReannouncedId).HasColumnName("reannounced_id");

            // The hub reads the versions of keys it does not hold by key: the latest id of each key.
            entry.HasIndex(e => new { e.Key, e.Id });
            configure?.Invoke(entry);
            schema = entry.Metadata.GetSchema();
        });
        modelBuilder.Entity<SignalStateEntry>(state =>
        {
            state.ToTable(SignalsTableNames.State, schema);
            state.HasKey(e => e.Key);
            state.Property(e => e.Key).HasColumnName("key").HasMaxLength(SignalKey.MaxByteCount);
            state.Property(e => e.Version).HasColumnName("version");
            state.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(OutboxModel.HashMaxLength);
            state.Property(e => e.UpdatedAt).HasColumnName("updated_at");

            // The highest compacted version (the resume floor) at a dispatcher's start, without reading every key.
            state.HasIndex(e => e.Version);
        });
        modelBuilder.Entity<SignalValueEntry>(value =>
        {
            value.ToTable(SignalsTableNames.Values, schema);
            value.HasKey(e => e.Key);
            value.Property(e => e.Key).HasColumnName("key").HasMaxLength(SignalKey.MaxByteCount);
            value.Property(e => e.Value).HasColumnName("value").IsRequired();
            value.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(OutboxModel.HashMaxLength).IsRequired();
            value.Property(e => e.Version).HasColumnName("version");
            value.Property(e => e.UpdatedAt).HasColumnName("updated_at");
        });
        modelBuilder.Entity<SignalInstanceEntry>(instance =>
        {
            instance.ToTable(SignalsTableNames.Instances, schema);
            instance.HasKey(e => e.Id);
            instance.Property(e => e.Id).HasColumnName("id").HasMaxLength(SignalInstanceEntry.IdMaxLength);
            instance.Property(e => e.Host).HasColumnName("host").HasMaxLength(SignalInstanceEntry.HostMaxLength).IsRequired();
            instance.Property(e => e.StartedAt).HasColumnName("started_at");
            instance.Property(e => e.LastSeenAt).HasColumnName("last_seen_at");
            instance.Property(e => e.Health).HasColumnName("health").HasMaxLength(SignalInstanceEntry.HealthMaxLength).IsRequired();
        });
        modelBuilder.Entity<SignalDeploymentEntry>(deployment =>
        {
            deployment.ToTable(SignalsTableNames.Deployment, schema);
            deployment.HasKey(e => e.Id);
            deployment.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
            deployment.Property(e => e.Epoch).HasColumnName("epoch").HasMaxLength(SignalDeploymentEntry.EpochMaxLength).IsRequired();
            deployment.Property(e => e.CreatedAt).HasColumnName("created_at");
        });
        return modelBuilder;
    }
}
