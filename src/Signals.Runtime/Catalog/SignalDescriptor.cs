namespace Signals;

/// <summary>One declared signal: an entry of the <see cref="SignalCatalog"/>, emitted by the source generator.</summary>
/// <param name="Pattern">
/// The full key (<c>chat:rooms</c>) or template (<c>chat:room:{RoomId}</c>), namespace included. A placeholder is one whole segment
/// <c>{Name}</c> and stands for any one escaped argument.
/// </param>
/// <param name="ClrType">The full name of the declaring type, e.g. <c>Chat.ChatMessage</c>; nested types use <c>+</c>.</param>
/// <param name="Kind">Whether this is a fixed signal, a family or a value signal.</param>
public sealed record SignalDescriptor(string Pattern, string ClrType, SignalKind Kind)
{
    /// <summary>Gets the namespace: the pattern's first segment, e.g. <c>chat</c> (never a placeholder: the generator requires a literal).</summary>
    public string Namespace => Pattern.IndexOf(SignalKey.Separator, StringComparison.Ordinal) is var end and >= 0 ? Pattern[..end] : Pattern;

    /// <summary>Gets a value indicating whether <see cref="Pattern"/> holds placeholders (a family or a value family).</summary>
    public bool IsTemplate => Pattern.Contains('{', StringComparison.Ordinal);

    /// <summary>Tells whether a key belongs to this signal: equal to a fixed pattern, or matching a template segment by segment.</summary>
    /// <param name="key">The key to test.</param>
    /// <returns><see langword="true"/> when the key is this signal's key or one of its family's keys.</returns>
    public bool Matches(SignalKey key)
    {
        if (!IsTemplate)
        {
            return string.Equals(Pattern, key.Value, StringComparison.Ordinal);
        }

        ReadOnlySpan<char> pattern = Pattern;
        ReadOnlySpan<char> value = key.Value;
        while (true)
        {
            int patternEnd = pattern.IndexOf(SignalKey.Separator);
            int valueEnd = value.IndexOf(SignalKey.Separator);
            ReadOnlySpan<char> patternSegment = patternEnd < 0 ? pattern : pattern[..patternEnd];
            ReadOnlySpan<char> valueSegment = valueEnd < 0 ? value : value[..valueEnd];
            bool placeholder = patternSegment.Length > 2 && patternSegment[0] == '{' && patternSegment[^1] == '}';
            if (!placeholder && !patternSegment.SequenceEqual(valueSegment))
            {
                return false;
            }

            if (patternEnd < 0 || valueEnd < 0)
            {
                return patternEnd < 0 && valueEnd < 0;
            }

            pattern = pattern[(patternEnd + 1)..];
            value = value[(valueEnd + 1)..];
        }
    }
}
