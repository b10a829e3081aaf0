using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Signals.Generators.Emitting;
using Signals.Generators.Helpers;
using Signals.Generators.Models;
using Signals.Generators.Parsing;

namespace Signals.Generators;

/// <summary>
/// Generates, for <c>[Signal]</c> / <c>[SignalFamily]</c> types, typed keys (<c>Keys.All</c>, one factory per family) and the explicit
/// <c>ISignalSource</c> implementation (the entity-to-keys mapping used by the EF Core interceptor); for <c>[SignalValue]</c> types, a typed
/// key and value-store accessors (<c>Values.GetAsync</c> / <c>SetAsync</c> / <c>DeleteAsync</c>); for both, when the compilation references
/// the Signals.Client package, typed accessors on <c>ISignalsClient</c>; and per assembly, a module initializer that registers every signal with <c>SignalCatalog</c>.
/// </summary>
/// <remarks>
/// This file is the pipeline only: <see cref="SignalTypeParser"/> (in <c>Parsing/</c>, shared with
/// <see cref="Analyzers.SignalDeclarationAnalyzer"/>) turns each annotated type into a model; the emitters in <c>Emitting/</c> write it.
/// Invalid targets are skipped without a diagnostic; the analyzer reports them.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class SignalGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. One provider per attribute. Each transform reads every Signals attribute of the symbol, so the model is the whole type and holds
        //    no symbol or syntax. A type is owned by one step ([SignalValue], else [SignalComputed], else [Signal], else its first [SignalFamily]); the others
        //    return null for it, so hint names stay unique without a Collect. The transform steps are the tracked ones (null for an invalid
        //    or foreign target), so tests see Unchanged when an edit reparses to an equal model.
        IncrementalValuesProvider<SignalTypeModel> signalTypes = ForAttribute(context, WellKnownTypeNames.SignalAttribute, SignalTypeParser.ParseSignalType);
        IncrementalValuesProvider<SignalTypeModel> familyOnlyTypes = ForAttribute(context, WellKnownTypeNames.SignalFamilyAttribute, SignalTypeParser.ParseFamilyOnlyType);
        IncrementalValuesProvider<SignalTypeModel> valueTypes = ForAttribute(context, WellKnownTypeNames.SignalValueAttribute, SignalTypeParser.ParseValueType);
        IncrementalValuesProvider<SignalTypeModel> computedTypes = ForAttribute(context, WellKnownTypeNames.SignalComputedAttribute, SignalTypeParser.ParseComputedType);

        // 2. Whether the compilation can use the typed client accessors: they extend Signals.Client.ISignalsClient, which only the
        //    Signals.Client package brings. The compilation changes on every edit, so it is projected to a bool at once: an edit that
        //    keeps the bool keeps every output below cached.
        IncrementalValueProvider<bool> hasClient = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(WellKnownTypeNames.SignalsClient) is not null)
            .WithTrackingName(TrackingNames.HasClient);

        // 3. One file per annotated type.
        context.RegisterSourceOutput(signalTypes.Combine(hasClient), static (spc, type) => SignalTypeEmitter.Emit(spc, type.Left, type.Right));
        context.RegisterSourceOutput(familyOnlyTypes.Combine(hasClient), static (spc, type) => SignalTypeEmitter.Emit(spc, type.Left, type.Right));
        context.RegisterSourceOutput(valueTypes.Combine(hasClient), static (spc, type) => SignalTypeEmitter.Emit(spc, type.Left, type.Right));
        context.RegisterSourceOutput(computedTypes.Combine(hasClient), static (spc, type) => SignalTypeEmitter.Emit(spc, type.Left, type.Right));

        // 4. One catalog per assembly, from each type's entries (recomputed only when that type's model changes), sorted like the runtime's
        //    SignalCatalog so the output is deterministic whatever order the types were found in.
        IncrementalValueProvider<EquatableArray<CatalogEntryModel>> catalog = CollectCatalogEntries(signalTypes)
            .Combine(CollectCatalogEntries(familyOnlyTypes))
            .Combine(CollectCatalogEntries(valueTypes))
            .Combine(CollectCatalogEntries(computedTypes))
            .Select(static (all, _) => all.Left.Left.Left.Concat(all.Left.Left.Right).Concat(all.Left.Right).Concat(all.Right)
                .SelectMany(static entries => entries)
                .OrderBy(static e => e.Pattern, StringComparer.Ordinal)
                .ThenBy(static e => e.ClrType, StringComparer.Ordinal)
                .ToEquatableArray())
            .WithTrackingName(TrackingNames.Catalog);
        context.RegisterSourceOutput(catalog, static (spc, entries) => CatalogEmitter.Emit(spc, entries));
    }

    private static IncrementalValuesProvider<SignalTypeModel> ForAttribute(
        IncrementalGeneratorInitializationContext context,
        string attributeName,
        Func<GeneratorAttributeSyntaxContext, CancellationToken, SignalTypeModel?> parse)
        => context.SyntaxProvider
            .ForAttributeWithMetadataName(attributeName, predicate: static (node, _) => node is TypeDeclarationSyntax, transform: parse)
            .WithTrackingName(TrackingNames.SignalModels)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

    private static IncrementalValueProvider<ImmutableArray<EquatableArray<CatalogEntryModel>>> CollectCatalogEntries(IncrementalValuesProvider<SignalTypeModel> types)
        => types.Select(static (model, _) => CatalogEmitter.GetEntries(model)).Collect();
}
