using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators.Parsing;

/// <summary>Where an annotated type sits: its hint name, CLR name, containing types, accessibility and inherited generated members.</summary>
internal static class TypeHierarchy
{
    /// <summary><c>Chat.Outer.ChatMessage</c>: the namespace and the containing types' names, unescaped (a hint name may not contain '@').</summary>
    public static string GetHintName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            parts.Add(current.Name);
        }

        // Unescaped names: a hint name may not contain '@' (namespace @class → "class").
        for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            parts.Add(ns.Name);
        }

        parts.Reverse();
        return string.Join(".", parts);
    }

    /// <summary><c>Chat.Outer+ChatMessage</c>: <c>Type.FullName</c> of a non-generic type.</summary>
    public static string GetClrTypeName(INamedTypeSymbol type)
    {
        var name = new StringBuilder(type.Name);
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name.Insert(0, outer.Name + "+");
        }

        for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            name.Insert(0, ns.Name + ".");
        }

        return name.ToString();
    }

    /// <summary>The containing types, outermost first, as the generated file re-declares them.</summary>
    public static EquatableArray<ContainingTypeModel> GetContainingTypes(INamedTypeSymbol type)
    {
        var chain = new List<ContainingTypeModel>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            chain.Add(new ContainingTypeModel(GetKeyword(outer), Naming.EscapeKeyword(outer.Name)));
        }

        chain.Reverse();
        return chain.ToEquatableArray();
    }

    /// <summary>The declaration keyword: <c>class</c>, <c>record</c>, <c>struct</c>, <c>record struct</c> or <c>interface</c>.</summary>
    public static string GetKeyword(INamedTypeSymbol type) => type switch
    {
        { TypeKind: TypeKind.Interface } => "interface",
        { TypeKind: TypeKind.Struct, IsRecord: true } => "record struct",
        { TypeKind: TypeKind.Struct } => "struct",
        { IsRecord: true } => "record",
        _ => "class",
    };

    /// <summary>Client accessors for a type visible outside its containing types; their names flatten the containing types' names.</summary>
    public static ClientModel? GetClient(INamedTypeSymbol type)
    {
        string? accessibility = GetEffectiveAccessibility(type) switch
        {
            Accessibility.Public => "public",
            Accessibility.Internal => "internal",
            _ => null,
        };
        if (accessibility is null)
        {
            return null;
        }

        var name = new StringBuilder(type.Name);
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name.Insert(0, outer.Name);
        }

        return new ClientModel(accessibility, name.ToString(), Naming.EscapeKeyword(type.Name));
    }

    /// <summary>Public, internal, or the first private or protected level on the way out of the containing types.</summary>
    public static Accessibility GetEffectiveAccessibility(ITypeSymbol type)
    {
        Accessibility result = Accessibility.Public;
        for (ISymbol? current = type; current is INamedTypeSymbol; current = current.ContainingType)
        {
            Accessibility declared = current.DeclaredAccessibility;
            if (declared is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal or Accessibility.NotApplicable)
            {
                return declared;
            }

            if (declared is Accessibility.Internal or Accessibility.ProtectedOrInternal)
            {
                result = Accessibility.Internal;
            }
        }

        return result;
    }

    /// <summary>Whether a base type has an accessible member named <paramref name="name"/>, or will get a generated one.</summary>
    public static bool HidesInheritedMember(INamedTypeSymbol type, string name, Func<Annotations, bool> generatesMember, Compilation compilation)
    {
        for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            if (baseType.GetMembers(name).Any(member => compilation.IsSymbolAccessibleWithin(member, type)))
            {
                return true;
            }

            if (baseType.DeclaringSyntaxReferences.Length > 0 && generatesMember(Annotations.Read(baseType)))
            {
                return true;
            }
        }

        return false;
    }
}
