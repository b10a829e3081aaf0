namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// One row change to a captured table, as logical replication delivered it: the key columns of the old row (an update or a delete) and of
/// the new row (an insert or an update), each as PostgreSQL's text output of the value (<see langword="null"/> for SQL <c>NULL</c>).
/// </summary>
/// <param name="Table">The captured table.</param>
/// <param name="Old">The old row's key columns, or <see langword="null"/>.</param>
/// <param name="New">The new row's key columns, or <see langword="null"/>.</param>
internal sealed record CapturedChange(CapturedTable Table, IReadOnlyDictionary<string, string?>? Old, IReadOnlyDictionary<string, string?>? New);
