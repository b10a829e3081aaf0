using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Signals.Generators.Models;

namespace Signals.Generators;

/// <summary>
/// Generates typed signal keys (<c>Keys.All</c>, one factory per family) and the explicit <c>ISignalSource</c> implementation
/// (the entity-to-keys mapping used by the EF Core interceptor) for <c>[Signal]</c> / <c>[SignalFamily]</c> types.
/// </summary>
/// <remarks>Invalid targets are skipped without a diagnostic; reporting them is the job of a separate analyzer.</remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class SignalGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Types with [Signal]. Each transform reads every Signals attribute of the symbol, so the model is the whole type
        //    (its families too) and holds no symbol or syntax: only the equatable model leaves the transform. The transform step
        //    is the tracked one (null for an invalid target), so tests see Unchanged when an edit reparses to an equal model.
        IncrementalValuesProvider<SignalTypeModel> signalTypes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WellKnownTypeNames.SignalAttribute,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (ctx, ct) => Parser.ParseSignalType(ctx, ct))
            .WithTrackingName(TrackingNames.SignalModels)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        // 2. Types with [SignalFamily] but no [Signal]. The parser returns null for types that also have [Signal] (step 1 owns
        //    them), so the two providers never yield the same type and hint names stay unique without a Collect.
        IncrementalValuesProvider<SignalTypeModel> familyOnlyTypes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WellKnownTypeNames.SignalFamilyAttribute,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (ctx, ct) => Parser.ParseFamilyOnlyType(ctx, ct))
            .WithTrackingName(TrackingNames.SignalModels)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        // 3. One file per annotated type.
        context.RegisterSourceOutput(signalTypes, static (spc, model) => Emitter.Emit(spc, model));
        context.RegisterSourceOutput(familyOnlyTypes, static (spc, model) => Emitter.Emit(spc, model));
    }
}
