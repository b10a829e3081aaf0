using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Signals.Generators.Diagnostics;
using Signals.Generators.Parsing;

namespace Signals.Generators.Analyzers;

/// <summary>
/// Reports every <c>[Signal]</c>, <c>[SignalFamily]</c>, <c>[SignalValue]</c>, <c>[SignalComputed]</c> and <c>[SignalNamespace]</c>
/// declaration the generator cannot use (it parses each type with the generator's own <see cref="SignalTypeParser"/>), and, once the whole
/// compilation is seen, keys declared twice, templates that can give the same key, and computed signals' unknown inputs and cycles
/// (<see cref="ComputedSignalChecks"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SignalDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.TypeNotPartial,
        DiagnosticDescriptors.UnknownPlaceholder,
        DiagnosticDescriptors.UnsupportedPlaceholderType,
        DiagnosticDescriptors.InvalidSegment,
        DiagnosticDescriptors.DuplicateKey,
        DiagnosticDescriptors.OverlappingKeys,
        DiagnosticDescriptors.GenericType,
        DiagnosticDescriptors.NoUsableDefault,
        DiagnosticDescriptors.UnsupportedTypeKind,
        DiagnosticDescriptors.MemberConflict,
        DiagnosticDescriptors.FactoryName,
        DiagnosticDescriptors.KeyTooLong,
        DiagnosticDescriptors.RepeatedPlaceholder,
        DiagnosticDescriptors.ValueAndEntitySignal,
        DiagnosticDescriptors.UnknownComputedInput,
        DiagnosticDescriptors.UnsuppliedComputedPlaceholder,
        DiagnosticDescriptors.ComputedCycle,
        DiagnosticDescriptors.ComputedAndOtherSignal,
    ];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            // The attributes live in the Signals runtime: a compilation without it declares no signals.
            if (start.Compilation.GetTypeByMetadataName(WellKnownTypeNames.SignalAttribute) is null)
            {
                return;
            }

            RegisterAssemblyNamespaceCheck(start);
            var declarations = new ConcurrentQueue<DeclaredPattern>();
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, declarations), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => ReportCollisions(end, declarations));
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, ConcurrentQueue<DeclaredPattern> declarations)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        Annotations annotations = Annotations.Read(type);
        if (!annotations.DeclaresSignals)
        {
            return;
        }

        DiagnosticSink diagnostics = DiagnosticSink.Reporting();
        var declared = new List<DeclaredPattern>();
        _ = SignalTypeParser.Parse(type, annotations, context.Compilation, diagnostics, declared, context.CancellationToken);
        foreach (Diagnostic diagnostic in diagnostics.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        foreach (DeclaredPattern pattern in declared)
        {
            declarations.Enqueue(pattern);
        }
    }

    /// <summary>An invalid assembly-wide <c>[SignalNamespace]</c> is reported once, on the attribute, not on every type that uses it.</summary>
    private static void RegisterAssemblyNamespaceCheck(CompilationStartAnalysisContext start)
    {
        if (Annotations.FindAssemblyNamespace(start.Compilation.Assembly) is not { ApplicationSyntaxReference: { } reference } attribute
            || SignalTypeParser.ReadStringArgument(attribute) is not { } name
            || KeyTemplateParser.GetNamespaceError(name) is not { } error)
        {
            return;
        }

        start.RegisterSyntaxTreeAction(tree =>
        {
            if (tree.Tree == reference.SyntaxTree)
            {
                tree.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidSegment, Locations.OfArgument(attribute), name, $"the namespace '{name}'", error));
            }
        });
    }

    /// <summary>
    /// <c>SIG0005</c> for a pattern that gives the same keys as an earlier one (in source order), <c>SIG0006</c> for two that can give one
    /// same key. Only patterns with as many segments and the same namespace can collide, so they are compared in those groups.
    /// </summary>
    private static void ReportCollisions(CompilationAnalysisContext context, ConcurrentQueue<DeclaredPattern> declarations)
    {
        DeclaredPattern[] ordered = [.. declarations
            .OrderBy(static d => d.Location?.SourceTree?.FilePath ?? string.Empty, System.StringComparer.Ordinal)
            .ThenBy(static d => d.Location?.SourceSpan.Start ?? 0)
            .ThenBy(static d => d.Pattern, System.StringComparer.Ordinal)];

        var firstByKeys = new Dictionary<string, DeclaredPattern>(System.StringComparer.Ordinal);
        var groups = new Dictionary<string, List<DeclaredPattern>>(System.StringComparer.Ordinal);
        foreach (DeclaredPattern declaration in ordered)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            string normalized = KeyPatterns.Normalize(declaration.Pattern);
            if (firstByKeys.TryGetValue(normalized, out DeclaredPattern? first))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateKey, declaration.Location, AdditionalLocations(first),
                    declaration.Pattern, declaration.TypeName, first.Pattern, first.TypeName));
                continue;
            }

            firstByKeys.Add(normalized, declaration);
            string[] segments = declaration.Pattern.Split(':');
            string group = segments.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + segments[0];
            if (!groups.TryGetValue(group, out List<DeclaredPattern>? earlier))
            {
                groups.Add(group, earlier = []);
            }

            foreach (DeclaredPattern other in earlier)
            {
                if (KeyPatterns.Overlap(declaration.Pattern, other.Pattern, out string example))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OverlappingKeys, declaration.Location, AdditionalLocations(other),
                        declaration.Pattern, declaration.TypeName, other.Pattern, other.TypeName, example));
                }
            }

            earlier.Add(declaration);
        }

        ComputedSignalChecks.Report(context, ordered);
    }

    private static IEnumerable<Location>? AdditionalLocations(DeclaredPattern other) => other.Location is { } location ? [location] : null;
}
