using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Signals.Generators.Parsing;

/// <summary>Where diagnostics point: a type's name, an attribute, or the exact characters of a segment inside a key or template literal.</summary>
internal static class Locations
{
    /// <summary>The identifier of the type's first declaration.</summary>
    public static Location? OfType(ISymbol type) => type.Locations.Length > 0 ? type.Locations[0] : null;

    /// <summary>The whole attribute, e.g. <c>SignalFamily("room:{RoomId}")</c>.</summary>
    public static Location? Of(AttributeData attribute) => attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    /// <summary>The attribute's first argument, or the attribute when it has none.</summary>
    public static Location? OfArgument(AttributeData attribute)
        => GetFirstArgument(attribute, out AttributeSyntax? syntax) is { } argument ? argument.GetLocation() : syntax?.GetLocation();

    /// <summary>
    /// Characters <paramref name="start"/> to <paramref name="start"/> + <paramref name="length"/> of the attribute's first argument's
    /// text: exact when the argument is a plain string literal without escapes, else the whole argument.
    /// </summary>
    public static Location? OfArgumentText(AttributeData attribute, int start, int length)
    {
        ExpressionSyntax? argument = GetFirstArgument(attribute, out AttributeSyntax? syntax);
        if (argument is LiteralExpressionSyntax { Token: var token } && token.IsKind(SyntaxKind.StringLiteralToken)
            && token.Text.Length == token.ValueText.Length + 2 && token.Text[0] == '"')
        {
            return Location.Create(token.SyntaxTree!, new TextSpan(token.SpanStart + 1 + start, length));
        }

        return argument?.GetLocation() ?? syntax?.GetLocation();
    }

    private static ExpressionSyntax? GetFirstArgument(AttributeData attribute, out AttributeSyntax? syntax)
    {
        syntax = attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax;
        return syntax?.ArgumentList is { Arguments.Count: > 0 } list && list.Arguments[0].NameEquals is null ? list.Arguments[0].Expression : null;
    }
}
