using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Signals.Generators.Parsing;

/// <summary>The name derivations the generated keys, factories and JSON names depend on (the key grammar is <see cref="SignalKeyGrammar"/>).</summary>
internal static class Naming
{
    /// <summary><c>ChatMessage</c> → <c>chat-message</c>, <c>HTTPServer</c> → <c>http-server</c>, <c>Room2</c> → <c>room2</c>.</summary>
    public static string ToKebabCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (IsAsciiUpper(c))
            {
                bool afterWord = i > 0 && (IsAsciiLower(name[i - 1]) || IsAsciiDigit(name[i - 1]));
                bool endsAcronym = i > 0 && IsAsciiUpper(name[i - 1]) && i + 1 < name.Length && IsAsciiLower(name[i + 1]);
                if (afterWord || endsAcronym)
                {
                    builder.Append('-');
                }

                builder.Append((char)(c + ('a' - 'A')));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// camelCase exactly as <c>JsonNamingPolicy.CamelCase</c> does it (<c>RoomId</c> → <c>roomId</c>, <c>ID</c> → <c>id</c>,
    /// <c>URLPath</c> → <c>urlPath</c>), so a generated JSON property name matches what <c>JsonSerializerDefaults.Web</c> writes.
    /// </summary>
    public static string ToCamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        char[] chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            bool hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break; // keep the capital that starts the next word: URLPath → urlPath
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>Appends a literal segment in PascalCase: <c>user-profile</c> → <c>UserProfile</c>.</summary>
    public static void AppendPascalCase(StringBuilder builder, string literal)
    {
        bool upperNext = true;
        foreach (char c in literal)
        {
            if (c is '-' or '_' or '.')
            {
                upperNext = true;
            }
            else
            {
                builder.Append(upperNext && IsAsciiLower(c) ? (char)(c - ('a' - 'A')) : c);
                upperNext = false;
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is a C# identifier that is not a keyword.</summary>
    public static bool IsIdentifier(string name)
        => SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

    /// <summary>Prefixes a keyword with <c>@</c> so it can be used as an identifier.</summary>
    public static string EscapeKeyword(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static bool IsAsciiUpper(char c) => c is >= 'A' and <= 'Z';

    private static bool IsAsciiLower(char c) => c is >= 'a' and <= 'z';

    private static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';
}
