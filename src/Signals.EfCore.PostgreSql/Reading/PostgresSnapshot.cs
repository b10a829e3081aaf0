using System.Globalization;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// A PostgreSQL snapshot as <c>pg_current_snapshot()::text</c> prints it (<c>xmin:xmax:xip,…</c>): which transactions had ended
/// when it was taken.
/// </summary>
/// <param name="Xmin">The lowest transaction id still running; every lower one had ended.</param>
/// <param name="Xmax">One past the latest completed transaction id (not the next id to be assigned): a running transaction may hold an id at or above it without being listed.</param>
/// <param name="InProgress">The ids between <paramref name="Xmin"/> and <paramref name="Xmax"/> still running (top-level transactions).</param>
internal sealed record PostgresSnapshot(ulong Xmin, ulong Xmax, ulong[] InProgress)
{
    /// <summary>Parses the text form.</summary>
    /// <param name="text">E.g. <c>10:20:10,14,15</c>.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="FormatException"><paramref name="text"/> is not a snapshot.</exception>
    public static PostgresSnapshot Parse(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length != 3)
        {
            throw new FormatException($"'{text}' is not a PostgreSQL snapshot (xmin:xmax:xip_list).");
        }

        ulong[] inProgress = parts[2].Length == 0
            ? []
            : Array.ConvertAll(parts[2].Split(','), static x => ulong.Parse(x, NumberStyles.None, CultureInfo.InvariantCulture));
        return new PostgresSnapshot(
            ulong.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture),
            ulong.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture),
            inProgress);
    }
}
