namespace Signals.Generators;

/// <summary>Names of the tracked pipeline steps, for incremental-caching tests (<c>GeneratorRunResult.TrackedSteps</c>).</summary>
internal static class TrackingNames
{
    /// <summary>
    /// The per-type transforms of <c>[Signal]</c> and <c>[SignalFamily]</c> types: a <see cref="Models.SignalTypeModel"/>, or <see langword="null"/>
    /// for an invalid target or a type owned by the other attribute's step.
    /// </summary>
    public const string SignalModels = nameof(SignalModels);
}
