using System.Text;

namespace Signals.Generators.Parsing;

/// <summary>Comparisons between declared keys and templates (<c>chat:room:{RoomId}</c>), as the runtime catalog matches them: segment by segment.</summary>
internal static class KeyPatterns
{
    /// <summary>The pattern with every placeholder written <c>{}</c>: two patterns give the same keys exactly when these are equal.</summary>
    public static string Normalize(string pattern)
    {
        if (pattern.IndexOf('{') < 0)
        {
            return pattern;
        }

        string[] segments = pattern.Split(':');
        for (int i = 0; i < segments.Length; i++)
        {
            if (KeyTemplateParser.IsPlaceholder(segments[i]))
            {
                segments[i] = "{}";
            }
        }

        return string.Join(":", segments);
    }

    /// <summary>
    /// Whether two patterns that do not give the same keys can still give one same key: as many segments, each pair equal or one of them
    /// a placeholder (any argument can spell any literal).
    /// </summary>
    /// <param name="first">The first pattern.</param>
    /// <param name="second">The second pattern.</param>
    /// <param name="example">A key both give, e.g. <c>chat:y:x</c> for <c>chat:{A}:x</c> and <c>chat:y:{B}</c>.</param>
    public static bool Overlap(string first, string second, out string example)
    {
        example = string.Empty;
        string[] a = first.Split(':');
        string[] b = second.Split(':');
        if (a.Length != b.Length)
        {
            return false;
        }

        var key = new StringBuilder();
        for (int i = 0; i < a.Length; i++)
        {
            bool aIsPlaceholder = KeyTemplateParser.IsPlaceholder(a[i]);
            bool bIsPlaceholder = KeyTemplateParser.IsPlaceholder(b[i]);
            if (!aIsPlaceholder && !bIsPlaceholder && a[i] != b[i])
            {
                return false;
            }

            key.Append(i == 0 ? string.Empty : ":").Append(aIsPlaceholder ? b[i] : a[i]);
        }

        example = key.ToString();
        return true;
    }
}
