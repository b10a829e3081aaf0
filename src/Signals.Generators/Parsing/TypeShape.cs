using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Signals.Generators.Diagnostics;
using Signals.Generators.Helpers;

namespace Signals.Generators.Parsing;

/// <summary>Whether a type can receive the generated members: its kind, its genericity, its <c>partial</c> modifiers and its member names.</summary>
internal static class TypeShape
{
    /// <summary>A non-generic, non-static, non-ref, non-file-local class or struct, partial with its containing types, with room for the generated members.</summary>
    /// <param name="type">The annotated type.</param>
    /// <param name="isValue">Whether it is a value signal, which also gets a <c>Values</c> class.</param>
    /// <param name="diagnostics">Receives every problem found.</param>
    public static void Check(INamedTypeSymbol type, bool isValue, DiagnosticSink diagnostics)
    {
        Location? location = Locations.OfType(type);
        string? kind = type switch
        {
            { IsStatic: true } => "a static class",
            { IsRefLikeType: true } => "a ref struct",
            { IsFileLocal: true } => "a file-local type",
            _ => null,
        };
        for (INamedTypeSymbol? outer = type.ContainingType; kind is null && outer is not null; outer = outer.ContainingType)
        {
            kind = outer.IsRefLikeType ? $"nested in the ref struct '{TypeNames.Display(outer)}'"
                : outer.IsFileLocal ? $"nested in the file-local type '{TypeNames.Display(outer)}'"
                : null;
        }

        if (kind is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.UnsupportedTypeKind, location, TypeNames.Display(type), kind);
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.Arity > 0)
            {
                diagnostics.Report(DiagnosticDescriptors.GenericType, location, TypeNames.Display(type), TypeNames.Display(current));
                break;
            }
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            foreach (SyntaxReference reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is TypeDeclarationSyntax syntax && !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Report(DiagnosticDescriptors.TypeNotPartial, syntax.Identifier.GetLocation(), TypeNames.Display(type), TypeNames.Display(current));
                    break;
                }
            }
        }

        CheckMemberName(type, "Keys", diagnostics);
        if (isValue)
        {
            CheckMemberName(type, "Values", diagnostics);
        }
        else if (type.GetMembers("Signals.ISignalSource.AddSignalKeys").FirstOrDefault(static m => !IsGenerated(m)) is { } addSignalKeys)
        {
            diagnostics.Report(DiagnosticDescriptors.MemberConflict, Locations.OfType(addSignalKeys), TypeNames.Display(type), "ISignalSource.AddSignalKeys",
                "it implements that method itself; remove the implementation, which the generator writes");
        }
    }

    private static void CheckMemberName(INamedTypeSymbol type, string name, DiagnosticSink diagnostics)
    {
        if (type.Name == name)
        {
            diagnostics.Report(DiagnosticDescriptors.MemberConflict, Locations.OfType(type), TypeNames.Display(type), name,
                "a type cannot hold a member named like itself; rename the type");
        }
        else if (type.GetMembers(name).FirstOrDefault(static m => !IsGenerated(m)) is { } member)
        {
            diagnostics.Report(DiagnosticDescriptors.MemberConflict, Locations.OfType(member), TypeNames.Display(type), name,
                "it has a member of that name; rename the member");
        }
    }

    /// <summary>
    /// Whether this generator wrote <paramref name="member"/>: the analyzer sees the compilation with the generated code, the
    /// generator without it, and the generated <c>Keys</c> must not count as a conflict.
    /// </summary>
    private static bool IsGenerated(ISymbol member)
        => member.GetAttributes().Any(static a => a.AttributeClass is { Name: "GeneratedCodeAttribute" }
            && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[0].Value is GeneratorInfo.ToolName);
}
