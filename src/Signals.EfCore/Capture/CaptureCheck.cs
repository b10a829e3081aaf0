using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// What a dispatcher checks at start: that the server can capture as the model asks, that every table the model captures has the
/// triggers (or the publication membership) the model describes, and that the columns they read still exist (a key column renamed by hand breaks PostgreSQL's trigger on the next write and silently re-targets SQLite's).
/// </summary>
internal static class CaptureCheck
{
    /// <summary>Compares the database's capture triggers with the model's.</summary>
    /// <param name="context">A context on the database.</param>
    /// <param name="dialect">The provider's dialect, or <see langword="null"/> (then the model captures nothing).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The captured tables and the signal tables left to the interceptor, sorted, for the health check.</returns>
    /// <exception cref="SignalCaptureMismatchException">A captured table's triggers are missing or do not match the model; the message names the table and the column.</exception>
    public static async Task<(string[] Captured, string[] NotCaptured)> RunAsync(DbContext context, CaptureDialect? dialect, CancellationToken cancellationToken)
    {
        Dictionary<string, CapturedTable> tables = CapturedTables.Of(context.Model);
        var problems = new List<string>();
        if (dialect is not null && tables.Count > 0 && await dialect.CheckServerAsync(context, tables.Values, cancellationToken).ConfigureAwait(false) is { } server)
        {
            problems.Add(server);
        }

        foreach ((string name, CapturedTable expected) in tables.OrderBy(static t => t.Key, StringComparer.Ordinal))
        {
            if (dialect is null)
            {
                break;
            }

            (CapturedTable? installed, IReadOnlyCollection<string> columns) = await dialect.ReadInstalledAsync(context, expected, cancellationToken).ConfigureAwait(false);
            if (columns.Count == 0)
            {
                // The table itself is missing: the outbox read reports the missing schema.
                continue;
            }

            foreach (CapturePart part in expected.Columns.Where(p => !columns.Contains(p.Column!)))
            {
                problems.Add($"table '{name}' has no column '{part.Column}', which the model maps to {expected.Entity}.{part.Property} and its capture reads (renamed or dropped outside a migration?)");
            }

            if (installed is null)
            {
                problems.Add(expected.Publication is null
                    ? $"table '{name}' has no Signals capture triggers, but the model captures {expected.Entity}"
                    : $"table '{name}' is not in the publication '{expected.Publication}' with REPLICA IDENTITY FULL, but the model captures {expected.Entity} by logical replication");
            }
            else if (installed.Publication != expected.Publication)
            {
                problems.Add(expected.Publication is null
                    ? $"table '{name}' is captured by logical replication (publication '{installed.Publication}'), but the model captures {expected.Entity} by triggers: add a migration, which switches it"
                    : $"table '{name}' is captured by triggers, but the model captures {expected.Entity} by logical replication: add a migration, which switches it");
            }
            else if (!Equals(installed, expected))
            {
                string[] stale = [.. installed.Columns.Select(static p => p.Column!).Except(expected.Columns.Select(static p => p.Column!)).Order(StringComparer.Ordinal)];
                problems.Add(stale.Length > 0
                    ? $"the capture triggers of table '{name}' read column{(stale.Length > 1 ? "s" : string.Empty)} '{string.Join("', '", stale)}', which the model no longer maps to a key of {expected.Entity} (it reads '{string.Join("', '", expected.Columns.Select(static p => p.Column))}')"
                    : installed.Revision != expected.Revision
                    ? $"the capture triggers of table '{name}' have the layout of another Signals version (revision {installed.Revision ?? 1}; this one writes revision {expected.Revision ?? 1}): add a migration, which replaces them"
                    : $"the capture triggers of table '{name}' were made for another model of {expected.Entity} (keys {Describe(installed)}; the model's are {Describe(expected)})");
            }
        }

        if (problems.Count > 0)
        {
            throw new SignalCaptureMismatchException(
                $"The Signals capture triggers do not match the model of {context.GetType().Name}: {string.Join("; ", problems)}.");
        }

        return ([.. tables.Keys.Order(StringComparer.Ordinal)], CapturedTables.NotCaptured(context.Model));
    }

    private static string Describe(CapturedTable table)
        => string.Join(", ", table.Keys.Select(static key => string.Concat(key.Select(static p => p.Literal ?? $"{{{p.Column}}}"))));
}
