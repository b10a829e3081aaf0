using System.Text;
using Microsoft.CodeAnalysis;

namespace Signals.Generators.Parsing;

/// <summary>
/// Names of types as generated code spells them, built from the symbols' names: <c>ToDisplayString</c> is the parser's most expensive
/// call, and the parser runs for every annotated type after every edit.
/// </summary>
internal static class TypeNames
{
    /// <summary>
    /// <c>global::Shop.Outer.Cart</c> with keywords escaped (<c>global::@class.@event</c>), or the C# keyword of a special type
    /// (<c>string</c>, <c>int</c>, <c>nint</c>); the same text as <c>SymbolDisplayFormat.FullyQualifiedFormat</c> for a non-generic type.
    /// </summary>
    public static string FullyQualified(ITypeSymbol type)
    {
        if (Keyword(type.SpecialType) is { } keyword)
        {
            return keyword;
        }

        var name = new StringBuilder(Naming.EscapeKeyword(type.Name));
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name.Insert(0, Naming.EscapeKeyword(outer.Name) + ".");
        }

        return Namespace(type.ContainingNamespace) is { } ns ? $"global::{ns}.{name}" : "global::" + name;
    }

    /// <summary><c>Shop.Orders</c> with keywords escaped (<c>@class.Models</c>), or <see langword="null"/> for the global namespace.</summary>
    public static string? Namespace(INamespaceSymbol? ns)
    {
        if (ns is null || ns.IsGlobalNamespace)
        {
            return null;
        }

        string? outer = Namespace(ns.ContainingNamespace);
        return outer is null ? Naming.EscapeKeyword(ns.Name) : outer + "." + Naming.EscapeKeyword(ns.Name);
    }

    /// <summary>Whether <paramref name="type"/> is the top-level type <paramref name="fullName"/> (e.g. <c>System.Text.Json.Serialization.JsonIgnoreAttribute</c>).</summary>
    public static bool Is(ITypeSymbol? type, string fullName)
    {
        if (type is null || type.ContainingType is not null || !fullName.EndsWith("." + type.MetadataName, System.StringComparison.Ordinal))
        {
            return false;
        }

        int end = fullName.Length - type.MetadataName.Length - 1;
        for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            int start = end - ns.Name.Length;
            if (start < 0 || string.CompareOrdinal(fullName, start, ns.Name, 0, ns.Name.Length) != 0 || (start > 0 && fullName[start - 1] != '.'))
            {
                return false;
            }

            end = start - 1;
        }

        return end == -1;
    }

    /// <summary>How messages name a symbol: its C# display string, e.g. <c>Chat.ChatMessage</c> (for diagnostics only: it is the expensive call).</summary>
    public static string Display(ISymbol symbol) => symbol.ToDisplayString();

    private static string? Keyword(SpecialType type) => type switch
    {
        SpecialType.System_String => "string",
        SpecialType.System_Boolean => "bool",
        SpecialType.System_SByte => "sbyte",
        SpecialType.System_Byte => "byte",
        SpecialType.System_Int16 => "short",
        SpecialType.System_UInt16 => "ushort",
        SpecialType.System_Int32 => "int",
        SpecialType.System_UInt32 => "uint",
        SpecialType.System_Int64 => "long",
        SpecialType.System_UInt64 => "ulong",
        SpecialType.System_IntPtr => "nint",
        SpecialType.System_UIntPtr => "nuint",
        _ => null,
    };
}
