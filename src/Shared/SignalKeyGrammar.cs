// One definition of the key grammar, compiled into two assemblies as a linked source file: Signals.Runtime (SignalKey parses and builds
// keys with it) and Signals.Generators (the declaration parser checks declared keys and templates with it), so both accept and reject
// the same strings. It must compile for net10.0 and netstandard2.0 alike: no span-based or newer BCL APIs.
using System;
using System.Globalization;
using System.Text;

namespace Signals;

/// <summary>
/// The grammar of signal keys: segments joined by <c>:</c>, literal segments <c>[A-Za-z0-9_.-]+</c>, arguments with <c>:</c>, <c>%</c>
/// and control characters percent-encoded, at most <see cref="MaxByteCount"/> UTF-8 bytes. Each check returns why a string breaks the
/// grammar (naming the offending character and its zero-based position), or <see langword="null"/>.
/// </summary>
internal static class SignalKeyGrammar
{
    /// <summary>The maximum length of a key, in UTF-8 bytes: 512.</summary>
    public const int MaxByteCount = 512;

    /// <summary>The character that separates segments: <c>:</c>.</summary>
    public const char Separator = ':';

    /// <summary>The characters a literal segment may hold, as messages spell them.</summary>
    public const string LiteralCharacters = "A-Z, a-z, 0-9, '_', '.' and '-'";

    /// <summary>Whether <paramref name="c"/> may appear in a literal segment: an ASCII letter or digit, <c>_</c>, <c>.</c> or <c>-</c>.</summary>
    public static bool IsLiteralChar(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-';

    /// <summary>Whether <paramref name="value"/> is one literal segment: <c>[A-Za-z0-9_.-]+</c>.</summary>
    public static bool IsLiteralSegment(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!IsLiteralChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether an argument's character is percent-encoded in a key: <c>:</c>, <c>%</c> and control characters.</summary>
    public static bool MustEscape(char c) => c is Separator or '%' || char.IsControl(c);

    /// <summary>Why a key is longer than <see cref="MaxByteCount"/> UTF-8 bytes, or <see langword="null"/>.</summary>
    public static string? CheckLength(string value)
    {
        int byteCount = Encoding.UTF8.GetByteCount(value);
        return byteCount > MaxByteCount
            ? Format($"A signal key is at most {MaxByteCount} UTF-8 bytes; this one is {byteCount}.")
            : null;
    }

    /// <summary>Why <paramref name="literal"/> is not one or more literal segments joined by single <c>:</c>, or <see langword="null"/>.</summary>
    public static string? ValidateLiteral(string literal)
    {
        if (literal.Length == 0)
        {
            return "A signal key must not be empty.";
        }

        for (int i = 0; i < literal.Length; i++)
        {
            char c = literal[i];
            if (c == Separator)
            {
                if (i == 0 || i == literal.Length - 1 || literal[i - 1] == Separator)
                {
                    return Format($"Empty segment at position {i} in '{literal}': segments are joined by a single ':'.");
                }
            }
            else if (!IsLiteralChar(c))
            {
                return Format($"Invalid character {Describe(c)} at position {i}: a literal key segment may contain only {LiteralCharacters}.");
            }
        }

        return null;
    }

    /// <summary>
    /// Why <paramref name="value"/> is not a key in its canonical form, or <see langword="null"/>: non-empty segments, a literal
    /// namespace, escapes of exactly the characters that need one (<c>%XX</c>, upper-case hexadecimal), no raw control character, no
    /// lone surrogate, at most <see cref="MaxByteCount"/> UTF-8 bytes.
    /// </summary>
    public static string? Validate(string value)
    {
        if (value.Length == 0)
        {
            return "A signal key must not be empty.";
        }

        if (CheckLength(value) is { } lengthError)
        {
            return lengthError;
        }

        int segment = 0;
        int segmentStart = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == Separator)
            {
                if (i == segmentStart)
                {
                    return Format($"Empty segment at position {i}: segments are joined by a single ':'.");
                }

                segment++;
                segmentStart = i + 1;
                continue;
            }

            if (segment == 0 && !IsLiteralChar(c))
            {
                return Format($"Invalid character {Describe(c)} at position {i}: the namespace (first segment) may contain only {LiteralCharacters}.");
            }

            if (c == '%')
            {
                if (i + 2 >= value.Length || HexValue(value[i + 1]) < 0 || HexValue(value[i + 2]) < 0)
                {
                    return Format($"Invalid escape at position {i}: '%' must be followed by two upper-case hexadecimal digits (e.g. %3A for ':').");
                }

                char escaped = (char)((HexValue(value[i + 1]) * 16) + HexValue(value[i + 2]));
                if (!MustEscape(escaped))
                {
                    return Format($"Non-canonical escape '{value.Substring(i, 3)}' at position {i}: only ':', '%' and control characters are escaped; write {Describe(escaped)} as it is.");
                }

                i += 2;
            }
            else if (char.IsControl(c))
            {
                return Format($"Invalid character {Describe(c)} at position {i}: control characters must be percent-encoded (e.g. %0A for a line feed).");
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return Format($"Invalid character {Describe(c)} at position {i}: a lone surrogate is not text.");
            }
        }

        return segmentStart == value.Length
            ? Format($"Empty segment at position {value.Length}: a key must not end with ':'.")
            : null;
    }

    /// <summary>The value of an upper-case hexadecimal digit, or -1.</summary>
    private static int HexValue(char c) => c is >= '0' and <= '9' ? c - '0' : c is >= 'A' and <= 'F' ? c - 'A' + 10 : -1;

    /// <summary>How messages name a character: <c>'x' (U+0078)</c>, or only its code point when it does not print.</summary>
    private static string Describe(char c) => char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c)
        ? Format($"U+{(int)c:X4}")
        : Format($"'{c}' (U+{(int)c:X4})");

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
