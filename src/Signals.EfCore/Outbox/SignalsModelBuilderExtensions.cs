using Microsoft.EntityFrameworkCore.Metadata;
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

    /// <summary>The table name of the compacted per-key state: <c>signals_state</c>.</summary>
    public const string StateTableName = "signals_state";

    /// <summary>The table name of the value store: <c>signals_values</c>.</summary>
    public const string ValuesTableName = "signals_values";

    /// <summary>
    /// Maps the Signals tables into the model: <see cref="SignalOutboxEntry"/> to <c>signals_outbox</c> (so version bumps commit or roll
    /// back with the application's own data), <see cref="SignalStateEntry"/> to <c>signals_state</c> (versions compacted by retention)
    /// and <see cref="SignalValueEntry"/> to <c>signals_values</c> (the EF Core value store).
    /// </summary>
    /// <param name="modelBuilder">The model builder, usually the one passed to <see cref="DbContext.OnModelCreating(ModelBuilder)"/>.</param>
    /// <param name="configure">
    /// Optionally changes the outbox mapping after the defaults are applied (e.g. <c>b =&gt; b.ToTable("outbox", "signals")</c>); the
    /// state and value tables follow the outbox's schema. The dispatchers and stores read table and column names from the model, so
    /// renamed tables and columns keep working.
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// <para>
    /// The mapping is explicit (not a hidden model customizer) so that it shows up in migrations like any other entity: <c>dotnet ef
    /// migrations add</c> picks the three tables up. Teams that manage their schema by hand use <see cref="SignalsSchema.PostgreSqlScript"/>.
    /// </para>
    /// <para>
    /// On PostgreSQL (Npgsql) the outbox and state tables get one more column, <c>xid xid8 DEFAULT pg_current_xact_id()</c> (a shadow
    /// property, never written by EF Core), with an index: the dispatcher reads by transaction id so that it never skips a row whose
    /// transaction commits after a row with a higher id (see the README, "Guarantees"); a partial unique index on <c>reannounced_id</c> keeps
    /// one reannouncement per late change. Outbox ids come from the sequence
    /// <c>{table}_id_seq</c> through a default that first assigns the transaction id; <c>value</c> is <c>jsonb</c> so the value store
    /// increments counters inside the database. Otherwise the outbox has no index besides its primary key: every
    /// save inserts, and an index costs every save.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="modelBuilder"/> is <see langword="null"/>.</exception>
    public static ModelBuilder AddSignalsOutbox(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<SignalOutboxEntry>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        // Npgsql's model-initialized convention records its value generation strategy before OnModelCreating runs: the only
        // provider fact a ModelBuilder carries. The xid column and jsonb are PostgreSQL-only.
        bool postgres = modelBuilder.Model.FindAnnotation("Npgsql:ValueGenerationStrategy") is not null;
        string? schema = null;
        modelBuilder.Entity<SignalOutboxEntry>(entry =>
        {
            entry.ToTable(DefaultTableName);
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
            entry.Property(e => e.Key).HasColumnName("key").HasMaxLength(SignalKey.MaxByteCount).IsRequired();
            entry.Property(e => e.CreatedAt).HasColumnName("created_at").IsRequired();
            entry.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(OutboxModel.HashMaxLength);
            entry.Property(e => e.ReannouncedId).HasColumnName("reannounced_id");
            if (postgres)
            {
                AddTransactionId(entry);
            }

            configure?.Invoke(entry);
            schema = entry.Metadata.GetSchema();
            if (postgres)
            {
                // Ids come from a sequence, drawn only once the transaction has its id (CASE fixes the order of evaluation): the
                // dispatcher's settled cursor depends on it (INTERNALS.md, "Settled cursor"). Explicit ids are not supported.
                string sequence = OutboxModel.IdSequenceName(entry.Metadata.GetTableName() ?? DefaultTableName);
                modelBuilder.HasSequence<long>(sequence, schema);
                string quoted = schema is null ? Quote(sequence) : $"{Quote(schema)}.{Quote(sequence)}";
                entry.Property(e => e.Id).HasDefaultValueSql($"CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('{quoted.Replace("'", "''", StringComparison.Ordinal)}') END");

                // One reannouncement per late change, whichever instance writes it first (the others' inserts do nothing); partial, so
                // the saves that write every other row never touch it.
                string reannounced = Quote(entry.Metadata.FindProperty(nameof(SignalOutboxEntry.ReannouncedId))!.GetColumnName());
                entry.HasIndex(e => e.ReannouncedId).IsUnique().HasFilter($"{reannounced} IS NOT NULL");
            }
        });
        modelBuilder.Entity<SignalStateEntry>(state =>
        {
            state.ToTable(StateTableName, schema);
            state.HasKey(e => e.Key);
            state.Property(e => e.Key).HasColumnName("key").HasMaxLength(SignalKey.MaxByteCount);
            state.Property(e => e.Version).HasColumnName("version");
            state.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(OutboxModel.HashMaxLength);
            state.Property(e => e.UpdatedAt).HasColumnName("updated_at");
            if (postgres)
            {
                AddTransactionId(state);
            }
        });
        modelBuilder.Entity<SignalValueEntry>(value =>
        {
            value.ToTable(ValuesTableName, schema);
            value.HasKey(e => e.Key);
            value.Property(e => e.Key).HasColumnName("key").HasMaxLength(SignalKey.MaxByteCount);
            PropertyBuilder<string> json = value.Property(e => e.Value).HasColumnName("value").IsRequired();
            if (postgres)
            {
                json.HasColumnType("jsonb");
            }

            value.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(OutboxModel.HashMaxLength).IsRequired();
            value.Property(e => e.Version).HasColumnName("version");
            value.Property(e => e.UpdatedAt).HasColumnName("updated_at");
        });
        return modelBuilder;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void AddTransactionId<TEntity>(EntityTypeBuilder<TEntity> entity)
        where TEntity : class
    {
        // Written by the database only: EF Core neither sends nor reads it, so the default (the writer's transaction id) applies.
        PropertyBuilder<ulong> xid = entity.Property<ulong>(OutboxModel.TransactionIdProperty)
            .HasColumnName("xid")
            .HasColumnType("xid8")
            .HasDefaultValueSql("pg_current_xact_id()")
            .ValueGeneratedNever();
        xid.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        xid.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        entity.HasIndex(OutboxModel.TransactionIdProperty);
    }
}
