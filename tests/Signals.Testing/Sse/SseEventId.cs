using System.Globalization;

namespace Signals.Testing;

/// <summary>
/// Reads an event id of the Signals SSE stream: <c>C</c>, or <c>C-H</c> when the highest version the client may have seen (<c>H</c>)
/// is above the resume cursor (<c>C</c>), then <c>.E</c> when the server knows its deployment's epoch. A live event's id is <c>C-H</c>
/// whenever its version is published before the settled cursor reaches it, which is a race a test must not depend on: it checks
/// <see cref="Highest"/> against the event's version.
/// </summary>
public static class SseEventId
{
    /// <summary>Returns <c>H</c> of an event id (<c>C</c> when the id has no <c>-H</c>).</summary>
    /// <param name="id">The event id.</param>
    /// <returns>The highest version named by the id.</returns>
    /// <exception cref="FormatException">The id is missing or is not <c>C</c> or <c>C-H</c> with <c>C &lt;= H</c> (then optionally <c>.E</c>).</exception>
    public static long Highest(string? id)
    {
        string[] parts = Numbers(id).Split('-');
        long resume = long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
        long highest = parts.Length == 2 ? long.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture) : resume;
        return parts.Length <= 2 && resume <= highest ? highest : throw new FormatException($"'{id}' is not an event id of the form C or C-H with C <= H.");
    }

    /// <summary>Returns the numbers of an event id, <c>C</c> or <c>C-H</c>, without its epoch.</summary>
    /// <param name="id">The event id.</param>
    /// <returns>The id up to its epoch.</returns>
    /// <exception cref="FormatException">The id is missing, or its epoch is empty or not lowercase letters and digits.</exception>
    public static string Numbers(string? id)
    {
        ArgumentNullException.ThrowIfNull(id, "The event has no id.");
        int dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? id : Epoch(id) is not null ? id[..dot] : throw new FormatException($"'{id}' has a malformed epoch.");
    }

    /// <summary>Returns the epoch of an event id (after its <c>.</c>), or <see langword="null"/> for an id without one.</summary>
    /// <param name="id">The event id.</param>
    /// <returns>The epoch, or <see langword="null"/>.</returns>
    /// <exception cref="FormatException">The epoch is empty or not lowercase letters and digits.</exception>
    public static string? Epoch(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        int dot = id.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return null;
        }

        string epoch = id[(dot + 1)..];
        return epoch.Length > 0 && epoch.All(static c => c is >= '0' and <= '9' or >= 'a' and <= 'z') ? epoch : throw new FormatException($"'{id}' has a malformed epoch.");
    }
}
