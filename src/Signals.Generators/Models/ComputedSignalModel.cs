using Signals.Generators.Helpers;

namespace Signals.Generators.Models;

/// <summary>What makes a type's signal computed (<c>[SignalComputed]</c>); its key is the type's <c>Key</c> or its one family.</summary>
/// <param name="Inputs">The full patterns of the inputs, as declared.</param>
internal sealed record ComputedSignalModel(EquatableArray<string> Inputs);
