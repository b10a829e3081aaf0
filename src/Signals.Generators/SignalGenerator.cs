using Microsoft.CodeAnalysis;

namespace Signals.Generators;

/// <summary>Generates typed signal keys and the entity-to-keys mapping for <c>[Signal]</c> / <c>[SignalFamily]</c> types.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class SignalGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
