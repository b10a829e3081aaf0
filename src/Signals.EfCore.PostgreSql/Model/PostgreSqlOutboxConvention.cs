using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Adds what PostgreSQL needs to the Signals tables that <c>modelBuilder.AddSignalsOutbox()</c> mapped, when the model is finalized
/// (so it sees the final table and schema names): the <c>xid xid8 DEFAULT pg_current_xact_id()</c> column and its index on the outbox
/// and state tables, the outbox id drawn from <c>{table}_id_seq</c> once the transaction has its id, the partial unique index on
/// <c>reannounced_id</c>, <c>jsonb</c> values, and keys that compare byte by byte (<c>COLLATE "C"</c>).
/// </summary>
/// <remarks>
/// <para>
/// A convention, registered by <c>UseSignals(s =&gt; s.UsePostgreSql())</c> through EF Core's <c>IConventionSetPlugin</c> (as
/// EF Core's own plugins shape the model), so that the neutral <c>AddSignalsOutbox()</c> stays one call whatever the provider and the
/// model cannot disagree with the appender and dispatcher the same call selects. Migrations see it: they build the model with the
/// context's options. It configures with data-annotation strength: it wins over other conventions, and the application's explicit
/// fluent configuration wins over it.
/// </para>
/// <para>
/// <c>CASE</c> is PostgreSQL's documented way to fix the order of evaluation: a transaction has its id before it draws an outbox id, which
/// the dispatcher's settled cursor relies on (INTERNALS.md, "Settled cursor"). Explicit ids are not supported.
/// </para>
/// <para>
/// The key columns of the outbox, state and value tables use the <c>"C"</c> collation: every look-up by key (a sync's cold read of a
/// thousand keys, the capture triggers' check of keys already bumped, the compaction's upsert) compares keys in B-tree pages, and under
/// a database's default collation (e.g. <c>en_US.UTF-8</c>, or even <c>C.UTF-8</c>) each comparison goes through the C library's
/// <c>strcoll</c>, where <c>"C"</c> compares bytes (https://www.postgresql.org/docs/current/collation.html). Keys are identifiers, never
/// sorted for people, and byte order is the order of .NET's ordinal comparison of their UTF-8 text. Measured on 10,000,000 keys (a
/// <c>C.UTF-8</c> database), a warm look-up of 1,000 keys took 4.3–4.5 ms with the <c>"C"</c> index against 5.5–6.5 ms.
/// </para>
/// </remarks>
internal sealed class PostgreSqlOutboxConvention : IModelFinalizingConvention
{
    /// <inheritdoc/>
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        IConventionModel model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(SignalOutboxEntry)) is { } outbox)
        {
            AddTransactionId(outbox.Builder);
            string table = outbox.GetTableName() ?? SignalsTableNames.Outbox;
            string? schema = outbox.GetSchema();
            string sequence = SignalsTableNames.IdSequence(table);
            modelBuilder.HasSequence(sequence, schema, fromDataAnnotation: true);
            string quoted = schema is null ? Quote(sequence) : $"{Quote(schema)}.{Quote(sequence)}";
            outbox.Builder.Property(typeof(long), nameof(SignalOutboxEntry.Id), fromDataAnnotation: true)?
                .HasDefaultValueSql(
                    $"CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('{quoted.Replace("'", "''", StringComparison.Ordinal)}') END",
                    fromDataAnnotation: true);

            // One reannouncement per late change, whichever instance writes it first (the others' inserts do nothing); partial, so the
            // saves that write every other row never touch it.
            if (outbox.FindProperty(nameof(SignalOutboxEntry.ReannouncedId)) is { } reannounced)
            {
                outbox.Builder.HasIndex([reannounced], fromDataAnnotation: true)?
                    .IsUnique(true, fromDataAnnotation: true)?
                    .HasFilter($"{Quote(reannounced.GetColumnName())} IS NOT NULL", fromDataAnnotation: true);
            }
        }

        if (model.FindEntityType(typeof(SignalStateEntry)) is { } state)
        {
            AddTransactionId(state.Builder);
        }

        if (model.FindEntityType(typeof(SignalValueEntry)) is { } values)
        {
            values.Builder.Property(typeof(string), nameof(SignalValueEntry.Value), fromDataAnnotation: true)?
                .HasColumnType("jsonb", fromDataAnnotation: true);
        }

        foreach (Type entity in (Type[])[typeof(SignalOutboxEntry), typeof(SignalStateEntry), typeof(SignalValueEntry)])
        {
            model.FindEntityType(entity)?.Builder.Property(typeof(string), nameof(SignalOutboxEntry.Key), fromDataAnnotation: true)?
                .UseCollation(BytewiseCollation, fromDataAnnotation: true);
        }
    }

    /// <summary>The collation of the key columns: PostgreSQL's <c>"C"</c>, which compares bytes (see the remarks on the type).</summary>
    internal const string BytewiseCollation = "C";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The writer's transaction id, written by the database only: EF Core neither sends nor reads it, so the default applies.</summary>
    private static void AddTransactionId(IConventionEntityTypeBuilder entity)
    {
        IConventionPropertyBuilder? xid = entity.Property(typeof(ulong), OutboxModel.TransactionIdProperty, fromDataAnnotation: true);
        if (xid is null)
        {
            return;
        }

        xid.HasColumnName("xid", fromDataAnnotation: true);
        xid.HasColumnType("xid8", fromDataAnnotation: true);
        xid.HasDefaultValueSql("pg_current_xact_id()", fromDataAnnotation: true);
        xid.ValueGenerated(ValueGenerated.Never, fromDataAnnotation: true);
        xid.BeforeSave(PropertySaveBehavior.Ignore, fromDataAnnotation: true);
        xid.AfterSave(PropertySaveBehavior.Ignore, fromDataAnnotation: true);
        entity.HasIndex([xid.Metadata], fromDataAnnotation: true);
    }
}
