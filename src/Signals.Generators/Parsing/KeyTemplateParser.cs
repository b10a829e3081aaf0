using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace Signals.Generators.Parsing;

/// <summary>
/// The key-template parser: splits a declared key or template (<c>room:{RoomId}:typing</c>) into segments and checks each against the
/// key grammar (<see cref="SignalKeyGrammar"/>, shared with the runtime), with the reason a diagnostic gives for a malformed one. It
/// knows nothing of symbols or locations.
/// </summary>
internal static class KeyTemplateParser
{
    /// <summary>The reason given for a literal segment with a character outside the grammar.</summary>
    private const string LiteralCharacters = $"a literal segment may contain only {SignalKeyGrammar.LiteralCharacters}";

    /// <summary>Splits <paramref name="text"/> at each <c>:</c>, checking every segment.</summary>
    /// <param name="text">The key or template as written in the attribute, without the namespace.</param>
    /// <param name="allowPlaceholders">Whether placeholders may appear: in a template, not in a fixed key.</param>
    /// <param name="hasNamespace">Whether a namespace will be prefixed; without one, the first segment is the namespace and must be a literal.</param>
    /// <returns>Every segment in order, each with its <see cref="TemplateSegment.Error"/> when it is malformed.</returns>
    public static List<TemplateSegment> Split(string text, bool allowPlaceholders, bool hasNamespace)
    {
        var segments = new List<TemplateSegment>();
        int offset = 0;
        foreach (string piece in text.Split(':'))
        {
            string? placeholder = null;
            string? error;
            if (piece.Length == 0)
            {
                error = "segments are joined by a single ':' and are never empty";
            }
            else if (piece.IndexOf('{') < 0 && piece.IndexOf('}') < 0)
            {
                error = SignalKeyGrammar.IsLiteralSegment(piece) ? null : LiteralCharacters;
            }
            else
            {
                string name = IsPlaceholder(piece) ? piece.Substring(1, piece.Length - 2) : string.Empty;
                error = !allowPlaceholders ? "a fixed key has no placeholders; use [SignalFamily] for one key per value"
                    : !SyntaxFacts.IsValidIdentifier(name) ? "a placeholder is a whole segment '{Name}', where Name is a C# identifier"
                    : offset == 0 && !hasNamespace ? "the first segment is the namespace and must be a literal; start with a literal segment or add [SignalNamespace]"
                    : null;
                placeholder = name;
            }

            segments.Add(new TemplateSegment(piece, offset, placeholder, error));
            offset += piece.Length + 1;
        }

        return segments;
    }

    /// <summary>Why a <c>[SignalNamespace]</c> argument is not a namespace, or <see langword="null"/> when it is one.</summary>
    public static string? GetNamespaceError(string? name)
        => string.IsNullOrEmpty(name) ? "a namespace must not be empty"
            : name!.IndexOf(':') >= 0 ? "a namespace is one segment and must not contain ':'"
            : SignalKeyGrammar.IsLiteralSegment(name) ? null
            : LiteralCharacters;

    /// <summary>
    /// The length of the shortest key <paramref name="pattern"/> gives (each argument at least one character; the literals are ASCII, so
    /// characters are UTF-8 bytes).
    /// </summary>
    /// <param name="pattern">The pattern, namespace included.</param>
    /// <param name="segments">The pattern's segments as written (the namespace, a literal, is not among them).</param>
    public static int MinimumLength(string pattern, IEnumerable<TemplateSegment> segments)
    {
        int length = pattern.Length;
        foreach (TemplateSegment segment in segments)
        {
            length -= segment.Placeholder is null ? 0 : segment.Text.Length - 1;
        }

        return length;
    }

    /// <summary>Whether a segment is written as a placeholder: <c>{…}</c> around at least one character.</summary>
    public static bool IsPlaceholder(string segment) => segment.Length > 2 && segment[0] == '{' && segment[segment.Length - 1] == '}';
}
