using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Signals.Generators.Diagnostics;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators.Parsing;

/// <summary>
/// Turns an annotated type into a <see cref="SignalTypeModel"/>, reporting every problem to a <see cref="DiagnosticSink"/>.
/// The generator parses with a silent sink and skips a type with any problem; the declaration analyzer parses with a reporting sink,
/// so what the generator skips and what the analyzer reports are the same by construction.
/// </summary>
internal static class SignalTypeParser
{
    /// <summary>Parses a type reached through its <c>[Signal]</c> attribute.</summary>
    public static SignalTypeModel? ParseSignalType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        => ParseOwnedType(context, WellKnownTypeNames.SignalAttribute, cancellationToken);

    /// <summary>Parses a type reached through a <c>[SignalFamily]</c> attribute, unless it also has <c>[Signal]</c> or <c>[SignalValue]</c>.</summary>
    public static SignalTypeModel? ParseFamilyOnlyType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        => ParseOwnedType(context, WellKnownTypeNames.SignalFamilyAttribute, cancellationToken);

    /// <summary>Parses a type reached through its <c>[SignalValue]</c> attribute.</summary>
    public static SignalTypeModel? ParseValueType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        => ParseOwnedType(context, WellKnownTypeNames.SignalValueAttribute, cancellationToken);

    /// <summary>Parses a type reached through its <c>[SignalComputed]</c> attribute.</summary>
    public static SignalTypeModel? ParseComputedType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        => ParseOwnedType(context, WellKnownTypeNames.SignalComputedAttribute, cancellationToken);

    /// <summary>Parses a type and everything declared on it.</summary>
    /// <param name="type">The annotated type.</param>
    /// <param name="annotations">Its Signals attributes.</param>
    /// <param name="compilation">The compilation, for accessibility checks.</param>
    /// <param name="diagnostics">Receives every problem found.</param>
    /// <param name="declarations">Receives every well-formed key and template with its attribute (for duplicate checks), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the parse.</param>
    /// <returns>The model, or <see langword="null"/> when the type declares nothing or has a problem.</returns>
    public static SignalTypeModel? Parse(
        INamedTypeSymbol type,
        Annotations annotations,
        Compilation compilation,
        DiagnosticSink diagnostics,
        List<DeclaredPattern>? declarations,
        CancellationToken cancellationToken)
    {
        if (!annotations.DeclaresSignals)
        {
            return null;
        }

        bool isValue = annotations.Value is not null;
        TypeShape.Check(type, isValue, diagnostics);
        if (!TryGetNamespace(type, annotations.Namespace, diagnostics, out string? keyNamespace))
        {
            return null;
        }

        if (isValue && (annotations.Signal is not null || annotations.Families.Length > 0))
        {
            diagnostics.Report(DiagnosticDescriptors.ValueAndEntitySignal, Locations.Of(annotations.Value!), TypeNames.Display(type));
            return null;
        }

        if (annotations.Computed is { } computedAttribute && (isValue || annotations.Signal is not null || annotations.Families.Length > 0))
        {
            diagnostics.Report(DiagnosticDescriptors.ComputedAndOtherSignal, Locations.Of(computedAttribute), TypeNames.Display(type));
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var parser = new KeyDeclarationParser(type, keyNamespace, compilation, diagnostics, declarations);
        string? key = annotations.Signal is { } signal ? parser.ParseSignalKey(signal) : null;
        EquatableArray<SignalFamilyModel> families = parser.ParseFamilies(annotations.Families, hasSignal: annotations.Signal is not null, cancellationToken);
        ValueSignalModel? value = annotations.Value is { } valueAttribute ? parser.ParseValue(valueAttribute) : null;
        ComputedSignalModel? computed = null;
        if (annotations.Computed is { } computedSignal)
        {
            computed = parser.ParseComputed(computedSignal, out key, out SignalFamilyModel? template);
            families = template is null ? families : new[] { template }.ToEquatableArray();
        }

        if (diagnostics.HasErrors)
        {
            return null;
        }

        return new SignalTypeModel(
            HintName: TypeHierarchy.GetHintName(type),
            Namespace: TypeNames.Namespace(type.ContainingNamespace),
            ContainingTypes: TypeHierarchy.GetContainingTypes(type),
            Keyword: TypeHierarchy.GetKeyword(type),
            TypeName: Naming.EscapeKeyword(type.Name),
            FullyQualifiedName: TypeNames.FullyQualified(type),
            ClrTypeName: TypeHierarchy.GetClrTypeName(type),
            Client: TypeHierarchy.GetClient(type),
            HidesInheritedKeys: TypeHierarchy.HidesInheritedMember(type, "Keys", static a => a.DeclaresSignals, compilation),
            HidesInheritedValues: isValue && TypeHierarchy.HidesInheritedMember(type, "Values", static a => a.Value is not null, compilation),
            Key: key,
            Families: families,
            Value: value,
            Computed: computed);
    }

    /// <summary>
    /// The attribute's one string argument (null reads as empty, which the grammar rejects), or <see langword="null"/> for a malformed
    /// attribute, which is the compiler's to report.
    /// </summary>
    public static string? ReadStringArgument(AttributeData attribute)
        => attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 1
           || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error
            ? null
            : attribute.ConstructorArguments[0].Value as string ?? string.Empty;

    /// <summary><see cref="ReadStringArgument"/>, recording a malformed attribute as a problem reported elsewhere.</summary>
    public static bool TryGetStringArgument(AttributeData attribute, DiagnosticSink diagnostics, out string value)
    {
        if (ReadStringArgument(attribute) is { } argument)
        {
            value = argument;
            return true;
        }

        diagnostics.Fail();
        value = string.Empty;
        return false;
    }

    private static SignalTypeModel? ParseOwnedType(GeneratorAttributeSyntaxContext context, string trigger, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return null;
        }

        // A type is emitted once, by the step of its owner attribute; a partial type is parsed only from the declaration holding it.
        Annotations annotations = Annotations.Read(type);
        if (annotations.Owner is not { } owner || !Annotations.IsNamed(owner, trigger) || !IsDeclaredOn(owner, declaration))
        {
            return null;
        }

        return Parse(type, annotations, context.SemanticModel.Compilation, DiagnosticSink.Silent(), declarations: null, cancellationToken);
    }

    private static bool IsDeclaredOn(AttributeData attribute, TypeDeclarationSyntax declaration)
        => attribute.ApplicationSyntaxReference is { } reference
           && reference.SyntaxTree == declaration.SyntaxTree
           && declaration.AttributeLists.Any(list => list.Span.Contains(reference.Span));

    /// <summary>The type's <c>[SignalNamespace]</c> wins over the assembly's; an invalid assembly namespace is reported once, for the assembly.</summary>
    private static bool TryGetNamespace(INamedTypeSymbol type, AttributeData? typeAttribute, DiagnosticSink diagnostics, out string? keyNamespace)
    {
        keyNamespace = null;
        AttributeData? attribute = typeAttribute ?? Annotations.FindAssemblyNamespace(type.ContainingAssembly);
        if (attribute is null)
        {
            return true;
        }

        if (!TryGetStringArgument(attribute, diagnostics, out string name))
        {
            return false;
        }

        if (KeyTemplateParser.GetNamespaceError(name) is { } error)
        {
            if (typeAttribute is null)
            {
                diagnostics.Fail();
            }
            else
            {
                diagnostics.Report(DiagnosticDescriptors.InvalidSegment, Locations.OfArgument(attribute), name, $"the namespace '{name}'", error);
            }

            return false;
        }

        keyNamespace = name;
        return true;
    }
}
