using System.Globalization;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// An event id of the SSE stream (<see cref="EventsEndpoint"/>): <c>C</c>, or <c>C-H</c> when <c>H</c> is above <c>C</c>. Clients treat it
/// as opaque and send it back as <c>Last-Event-ID</c>.
/// </summary>
/// <param name="Resume">
/// <c>C</c>: the cursor to resume from. Every change at or below it was sent to the client (see <see cref="SignalSubscription.ResumeCursor"/>),
/// so a stream resumed after it misses nothing.
/// </param>
/// <param name="Highest">
/// <c>H</c>: the highest version the client may have seen, on this stream or on the ones it resumed; at least <see cref="Resume"/>. An
/// instance waits until its settled cursor reaches it before it answers a resume, so it does not send a key's older version.
/// </param>
internal readonly record struct StreamCursor(long Resume, long Highest)
{
    /// <summary>Parses <c>C</c> or <c>C-H</c>: decimal digits only, with <c>0 &lt;= C &lt;= H</c>.</summary>
    /// <returns><see langword="false"/> for anything else (signs, spaces, a missing number, <c>H &lt; C</c>, overflow).</returns>
    public static bool TryParse(ReadOnlySpan<char> value, out StreamCursor cursor)
    {
        cursor = default;
        int dash = value.IndexOf('-');
        if (!long.TryParse(dash < 0 ? value : value[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out long resume))
        {
            return false;
        }

        long highest = resume;
        if (dash >= 0 && (!long.TryParse(value[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out highest) || highest < resume))
        {
            return false;
        }

        cursor = new StreamCursor(resume, highest);
        return true;
    }

    /// <summary>The cursor after the stream sent <paramref name="version"/> with the subscription's resume cursor <paramref name="resumeCursor"/>.</summary>
    public StreamCursor After(long resumeCursor, long version) => new(Math.Max(Resume, resumeCursor), Math.Max(Highest, version));

    /// <summary>Formats the event id: <c>C-H</c> when <c>H</c> is above <c>C</c>, else <c>C</c> (digits and <c>-</c> only, never a line break).</summary>
    public override string ToString()
        => Highest > Resume ? string.Create(CultureInfo.InvariantCulture, $"{Resume}-{Highest}") : Resume.ToString(CultureInfo.InvariantCulture);
}
