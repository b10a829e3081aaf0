using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Signals.EntityFrameworkCore;

/// <summary>Where the outbox lives in a relational database, as mapped in the context's model.</summary>
/// <param name="Schema">The schema, or <see langword="null"/> for the connection's default.</param>
/// <param name="Table">The table name.</param>
/// <param name="IdColumn">The id column.</param>
/// <param name="KeyColumn">The key column.</param>
/// <param name="CreatedAtColumn">The created-at column.</param>
internal sealed record OutboxTable(string? Schema, string Table, string IdColumn, string KeyColumn, string CreatedAtColumn)
{
    /// <summary>Gets the schema-qualified, quoted table name (PostgreSQL quoting).</summary>
    public string QuotedName => Schema is null ? Quote(Table) : $"{Quote(Schema)}.{Quote(Table)}";

    /// <summary>Reads the mapping of <see cref="SignalOutboxEntry"/> from a context's model.</summary>
    /// <param name="context">A context of the application's type.</param>
    /// <returns>The table.</returns>
    /// <exception cref="InvalidOperationException">The model does not map the outbox to a table.</exception>
    public static OutboxTable FromModel(DbContext context)
    {
        IEntityType entityType = OutboxModel.GetEntityType(context);
        string table = entityType.GetTableName()
            ?? throw new InvalidOperationException($"{nameof(SignalOutboxEntry)} is not mapped to a table in the model of '{context.GetType().Name}'.");
        StoreObjectIdentifier store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        string Column(string property) => entityType.FindProperty(property)!.GetColumnName(store)
            ?? throw new InvalidOperationException($"{nameof(SignalOutboxEntry)}.{property} is not mapped to a column of '{table}'.");
        return new OutboxTable(
            entityType.GetSchema(),
            table,
            Column(nameof(SignalOutboxEntry.Id)),
            Column(nameof(SignalOutboxEntry.Key)),
            Column(nameof(SignalOutboxEntry.CreatedAt)));
    }

    /// <summary>Quotes an identifier for PostgreSQL.</summary>
    /// <param name="identifier">The identifier.</param>
    /// <returns>The identifier in double quotes, inner quotes doubled.</returns>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
