using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// The entity tags of value answers and the <c>If-Match</c> precondition of value writes (RFC 9110, sections 8.8.3 and 13.1.1): a value's
/// entity tag is its version as a strong tag, <c>"42"</c>.
/// </summary>
/// <remarks>
/// A write's <c>If-Match</c> must hold exactly one strong tag of a version (an integer ≥ 0; <c>"0"</c> means "only if nothing is stored");
/// the bare number (<c>If-Match: 42</c>) is accepted too. A weak tag (<c>W/"42"</c>), <c>*</c>, a list of tags or anything else is
/// refused as malformed (400), rather than compared: each is a client mistake a compare-and-set should not guess about.
/// </remarks>
internal static class IfMatch
{
    /// <summary>Gets the entity tag of a version: <c>"42"</c>.</summary>
    /// <param name="version">The version.</param>
    /// <returns>The quoted version.</returns>
    public static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Reads the request's <c>If-Match</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="expectedVersion">The version it names, or <see langword="null"/> when the request has no <c>If-Match</c>.</param>
    /// <param name="error">Why the header is malformed.</param>
    /// <returns><see langword="false"/> when the header is present but malformed.</returns>
    public static bool TryRead(HttpRequest request, out long? expectedVersion, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        expectedVersion = null;
        error = null;
        StringValues values = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(values))
        {
            return true;
        }

        string text = values.Count == 1 ? values[0]!.Trim() : string.Join(", ", values.ToArray());
        if (TryParseVersion(text, out long version))
        {
            expectedVersion = version;
            return true;
        }

        error = $"The If-Match header {SignalsProblem.Quote(text)} is malformed: send one strong entity tag holding the version the value "
            + "was read at, e.g. If-Match: \"42\" (the ETag of GET {prefix}/values/{key}), or \"0\" to store only if nothing is stored. "
            + "Nothing was stored.";
        return false;
    }

    private static bool TryParseVersion(string text, out long version)
    {
        version = 0;
        if (text.Length == 0 || text.Contains(','))
        {
            return false;
        }

        if (text[0] != '"')
        {
            return IsDigits(text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version);
        }

        // One strong entity tag: "digits".
        return EntityTagHeaderValue.TryParse(text, out EntityTagHeaderValue? tag)
            && !tag.IsWeak
            && tag.Tag.Length > 2
            && IsDigits(tag.Tag.AsSpan(1, tag.Tag.Length - 2))
            && long.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => text.Length is > 0 and <= 19 && !text.ContainsAnyExceptInRange('0', '9');
}
