using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Signals.EntityFrameworkCore;

/// <summary>Reads the capture descriptions of a model (set by <see cref="CaptureConvention"/>, or kept by a migrations snapshot).</summary>
internal static class CapturedTables
{
    /// <summary>Tells whether an entity type's table is captured, so that the interceptor leaves its keys to the triggers.</summary>
    /// <param name="type">The entity type.</param>
    /// <returns><see langword="true"/> when the type has a capture description.</returns>
    public static bool IsCaptured(IReadOnlyEntityType type) => type.FindAnnotation(CaptureAnnotations.Capture)?.Value is string;

    /// <summary>
    /// Tells whether a captured entity type's keys are bumped in the writer's transaction (triggers), so that the dispatchers are woken
    /// after its commit; by logical replication they are written after it, by the reader of the slot, which wakes them then. Kept as a
    /// runtime annotation, so the description is read once per entity type, not once per save.
    /// </summary>
    /// <param name="type">A captured entity type (<see cref="IsCaptured"/>).</param>
    /// <returns><see langword="true"/> for triggers.</returns>
    public static bool IsCapturedByTriggers(IEntityType type)
        => type.GetOrAddRuntimeAnnotationValue(
            CaptureAnnotations.ByTriggers,
            static t => CapturedTable.FromJson(t!.FindAnnotation(CaptureAnnotations.Capture)?.Value as string) is { Publication: null },
            type);

    /// <summary>Gets the capture descriptions of a model, by table.</summary>
    /// <param name="model">The model, or <see langword="null"/>.</param>
    /// <returns>The descriptions, keyed by schema-qualified table name.</returns>
    public static Dictionary<string, CapturedTable> Of(IReadOnlyModel? model)
    {
        var tables = new Dictionary<string, CapturedTable>(StringComparer.Ordinal);
        foreach (IReadOnlyEntityType type in model?.GetEntityTypes() ?? [])
        {
            if (CapturedTable.FromJson(type.FindAnnotation(CaptureAnnotations.Capture)?.Value as string) is { } table)
            {
                tables[QualifiedName(table.Schema, table.Table)] = table;
            }
        }

        return tables;
    }

    /// <summary>Gets the tables of <see cref="ISignalSource"/> entity types that are not captured (their keys come from the interceptor only).</summary>
    /// <param name="model">The model.</param>
    /// <returns>The tables' names, sorted.</returns>
    public static string[] NotCaptured(IReadOnlyModel model)
        => [.. model.GetEntityTypes()
            .Where(static t => typeof(ISignalSource).IsAssignableFrom(t.ClrType) && !IsCaptured(t) && t.GetTableName() is not null)
            .Select(static t => QualifiedName(t.GetSchema(), t.GetTableName()!))
            .Distinct()
            .Order(StringComparer.Ordinal)];

    /// <summary>A table's name with its schema, as messages and the health check show it.</summary>
    /// <param name="schema">The schema, or <see langword="null"/>.</param>
    /// <param name="table">The table.</param>
    /// <returns><c>schema.table</c> or <c>table</c>.</returns>
    public static string QualifiedName(string? schema, string table) => schema is null ? table : $"{schema}.{table}";
}
