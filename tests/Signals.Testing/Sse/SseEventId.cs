using System.Globalization;

namespace Signals.Testing;

/// <summary>
/// Reads an event id of the Signals SSE stream: <c>C</c>, or <c>C-H</c> when the highest version the client may have seen (<c>H</c>)
/// is above the resume cursor (<c>C</c>). A live event's id is <c>C-H</c> whenever its version is published before the settled cursor
/// reaches it, which is a race a test must not depend on: it checks <see cref="Highest"/> against the event's version.
/// </summary>
public static class SseEventId
{
    /// <summary>Returns <c>H</c> of an event id (<c>C</c> when the id has no <c>-H</c>).</summary>
    /// <param name="id">The event id.</param>
    /// <returns>The highest version named by the id.</returns>
    /// <exception cref="FormatException">The id is missing or is not <c>C</c> or <c>C-H</c> with <c>C &lt;= H</c>.</exception>
    public static long Highest(string? id)
    {
        string[] parts = (id ?? throw new FormatException("The event has no id.")).Split('-');
        long resume = long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
        long highest = parts.Length == 2 ? long.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture) : resume;
        return parts.Length <= 2 && resume <= highest ? highest : throw new FormatException($"'{id}' is not an event id of the form C or C-H with C <= H.");
    }
}
