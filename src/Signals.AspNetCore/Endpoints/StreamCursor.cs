using System.Globalization;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// An event id of the SSE stream (<see cref="EventsEndpoint"/>) and the cursor of the cursor form of sync: <c>C</c>, or <c>C-H</c> when
/// <c>H</c> is above <c>C</c>, followed by <c>.E</c> when the hub knows its <see cref="SignalHub.Epoch"/>. Clients treat it as opaque and
/// send it back (<c>Last-Event-ID</c>, <c>cursor</c>).
/// </summary>
/// <param name="Resume">
/// <c>C</c>: the cursor to resume from. Every change at or below it was sent to the client (see <see cref="SignalSubscription.ResumeCursor"/>),
/// so a stream resumed after it misses nothing.
/// </param>
/// <param name="Highest">
/// <c>H</c>: the highest version the client may have seen, on this stream or on the ones it resumed; at least <see cref="Resume"/>. An
/// instance waits until its settled cursor reaches it before it answers a resume, so it does not send a key's older version.
/// </param>
/// <param name="Epoch">
/// <c>E</c>: the epoch of the version line <c>C</c> and <c>H</c> count on (<see cref="SignalHub.Epoch"/>), or <see langword="null"/> for a
/// cursor without one (handed out before the hub knew it, or by an earlier version of Signals: such a cursor is taken as this
/// deployment's, as it was before epochs). Last, after a dot, so a client that reads the leading number (<c>parseInt</c>) still gets <c>C</c>.
/// </param>
internal readonly record struct StreamCursor(long Resume, long Highest, string? Epoch = null)
{
    /// <summary>Parses <c>C</c>, <c>C-H</c>, <c>C.E</c> or <c>C-H.E</c>: decimal digits only, with <c>0 &lt;= C &lt;= H</c>, and an epoch as <see cref="VersionEpoch.IsValid"/> accepts it.</summary>
    /// <returns><see langword="false"/> for anything else (signs, spaces, a missing number, <c>H &lt; C</c>, overflow, an empty or malformed epoch).</returns>
    public static bool TryParse(ReadOnlySpan<char> value, out StreamCursor cursor)
    {
        cursor = default;
        string? epoch = null;
        int dot = value.IndexOf('.');
        if (dot >= 0)
        {
            if (!VersionEpoch.IsValid(value[(dot + 1)..]))
            {
                return false;
            }

            epoch = value[(dot + 1)..].ToString();
            value = value[..dot];
        }

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

        cursor = new StreamCursor(resume, highest, epoch);
        return true;
    }

    /// <summary>
    /// Gets whether the cursor counts on another deployment's version line than the hub's: both carry an epoch, and they differ. Its
    /// numbers say nothing about this deployment's changes, so it is answered as one that cannot be resumed (a reset).
    /// </summary>
    /// <param name="hub">The hub.</param>
    /// <returns><see langword="true"/> for a cursor of another deployment.</returns>
    public bool IsForeign(SignalHub hub) => Epoch is not null && hub.Epoch is { } ours && !string.Equals(Epoch, ours, StringComparison.Ordinal);

    /// <summary>The cursor after the stream sent <paramref name="version"/> with the subscription's resume cursor <paramref name="resumeCursor"/>.</summary>
    public StreamCursor After(long resumeCursor, long version) => this with { Resume = Math.Max(Resume, resumeCursor), Highest = Math.Max(Highest, version) };

    /// <summary>Formats the cursor: <c>C-H</c> when <c>H</c> is above <c>C</c>, else <c>C</c>, then <c>.E</c> with an epoch (letters, digits, <c>-</c> and <c>.</c> only, never a line break).</summary>
    /// <remarks>One string per call (every SSE event of every stream gets one): the numbers and the epoch are formatted into it together.</remarks>
    public override string ToString() => (Highest > Resume, Epoch) switch
    {
        (true, null) => string.Create(CultureInfo.InvariantCulture, $"{Resume}-{Highest}"),
        (true, { } epoch) => string.Create(CultureInfo.InvariantCulture, $"{Resume}-{Highest}.{epoch}"),
        (false, null) => Resume.ToString(CultureInfo.InvariantCulture),
        (false, { } epoch) => string.Create(CultureInfo.InvariantCulture, $"{Resume}.{epoch}"),
    };
}
