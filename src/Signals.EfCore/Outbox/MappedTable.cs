using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>One Signals table as the context's model maps it, with identifiers delimited by the context's provider.</summary>
internal sealed class MappedTable
{
    private readonly IEntityType _entityType;
    private readonly StoreObjectIdentifier _store;
    private readonly ISqlGenerationHelper _sql;

    private MappedTable(IEntityType entityType, string table, ISqlGenerationHelper sql)
    {
        _entityType = entityType;
        _store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        _sql = sql;
        Name = table;
        QuotedName = sql.DelimitIdentifier(table, entityType.GetSchema());
    }

    /// <summary>Gets the table name, as mapped (not delimited).</summary>
    public string Name { get; }

    /// <summary>Gets the delimited, schema-qualified table name.</summary>
    public string QuotedName { get; }

    /// <summary>Reads the mapping of one Signals entity from a relational context's model.</summary>
    /// <param name="context">A context of the application's type, on a relational provider.</param>
    /// <param name="entityType">The CLR type of the entity.</param>
    /// <returns>The table.</returns>
    /// <exception cref="InvalidOperationException">The model does not map the entity to a table.</exception>
    public static MappedTable FromModel(DbContext context, Type entityType)
    {
        IEntityType type = OutboxModel.GetEntityType(context, entityType);
        string table = type.GetTableName()
            ?? throw new InvalidOperationException($"{entityType.Name} is not mapped to a table in the model of '{context.GetType().Name}'.");
        return new MappedTable(type, table, context.GetService<ISqlGenerationHelper>());
    }

    /// <summary>Gets the column name of a property, as mapped (not delimited).</summary>
    /// <param name="property">The property name.</param>
    /// <returns>The column name.</returns>
    /// <exception cref="InvalidOperationException">The property is not mapped to a column of the table.</exception>
    public string ColumnName(string property)
        => _entityType.FindProperty(property)?.GetColumnName(_store)
           ?? throw new InvalidOperationException(
               property == OutboxModel.TransactionIdProperty
                   ? $"'{_store.Name}' has no transaction id column in the model. On PostgreSQL, 'UseSignals(s => s.UsePostgreSql())' (which " +
                     "AddEntityFrameworkCoreOutbox<TContext>().UsePostgreSql() applies) maps it (xid xid8 DEFAULT pg_current_xact_id()); build " +
                     "the model with it, then add a migration or apply the Signals schema script."
                   : $"{_entityType.DisplayName()}.{property} is not mapped to a column of '{_store.Name}'.");

    /// <summary>Delimits the name of another object (a sequence) in the table's schema.</summary>
    /// <param name="name">The object's name.</param>
    /// <returns>The delimited, schema-qualified name.</returns>
    public string QuoteInSchema(string name) => _sql.DelimitIdentifier(name, _store.Schema);

    /// <summary>Gets the delimited column name of a property.</summary>
    /// <param name="property">The property name.</param>
    /// <returns>The delimited column name.</returns>
    /// <exception cref="InvalidOperationException">The property is not mapped to a column of the table.</exception>
    public string Column(string property) => _sql.DelimitIdentifier(ColumnName(property));
}
