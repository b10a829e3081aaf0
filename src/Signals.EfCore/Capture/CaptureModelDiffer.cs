using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// EF Core's migrations differ with capture added: a table whose capture description differs between the two models gets its old triggers
/// dropped before EF Core's own operations and its new ones created after them (and last, outside the transaction, what the provider
/// cannot create inside one), as <see cref="SqlOperation"/>s holding the provider's
/// idempotent SQL (so <c>dotnet ef migrations add</c> writes them into the migration, <c>migrations script</c> and <c>EnsureCreated()</c>
/// run them, and <c>HasPendingModelChanges()</c> sees a capture turned on or off).
/// </summary>
/// <param name="inner">EF Core's differ.</param>
/// <param name="dialect">The provider's capture dialect, or <see langword="null"/> (then a model can hold no capture: the convention refuses it).</param>
internal sealed class CaptureModelDiffer(IMigrationsModelDiffer inner, CaptureDialect? dialect) : IMigrationsModelDiffer
{
    /// <inheritdoc/>
    public bool HasDifferences(IRelationalModel? source, IRelationalModel? target)
        => inner.HasDifferences(source, target) || Changes(source, target).Any();

    /// <inheritdoc/>
    public IReadOnlyList<MigrationOperation> GetDifferences(IRelationalModel? source, IRelationalModel? target)
    {
        List<(CapturedTable? Old, CapturedTable? New)> changes = [.. Changes(source, target)];
        IReadOnlyList<MigrationOperation> operations = inner.GetDifferences(source, target);
        if (changes.Count == 0 || dialect is null)
        {
            return operations;
        }

        return
        [
            .. changes.Where(static c => c.Old is not null).SelectMany(c => dialect.DropStatements(c.Old!)).Select(static sql => new SqlOperation { Sql = sql }),
            .. operations,
            .. changes.Where(static c => c.New is not null).SelectMany(c => dialect.CreateStatements(c.New!)).Select(static sql => new SqlOperation { Sql = sql }),
            .. dialect.CreateOutsideTransaction([.. changes.Where(static c => c.New is not null).Select(static c => c.New!)])
                .Select(static sql => new SqlOperation { Sql = sql, SuppressTransaction = true }),
        ];
    }

    private static IEnumerable<(CapturedTable? Old, CapturedTable? New)> Changes(IRelationalModel? source, IRelationalModel? target)
    {
        Dictionary<string, CapturedTable> before = CapturedTables.Of(source?.Model);
        Dictionary<string, CapturedTable> after = CapturedTables.Of(target?.Model);
        foreach (string table in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            CapturedTable? old = before.GetValueOrDefault(table);
            CapturedTable? current = after.GetValueOrDefault(table);
            if (!Equals(old, current))
            {
                yield return (old, current);
            }
        }
    }
}
