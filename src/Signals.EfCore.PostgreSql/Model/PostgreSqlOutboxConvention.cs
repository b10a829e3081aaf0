using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Adds what PostgreSQL needs to the Signals tables that <c>modelBuilder.AddSignalsOutbox()</c> mapped, when the model is finalized
/// (so it sees the final table and schema names): the <c>xid xid8 DEFAULT pg_current_xact_id()</c> column and its index on the outbox
/// and state tables, the outbox id drawn from <c>{table}_id_seq</c> once the transaction has its id, the partial unique index on
/// <c>reannounced_id</c>, and <c>jsonb</c> values.
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
    }

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
