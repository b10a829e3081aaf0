namespace Signals.Generators;

/// <summary>Names of the tracked pipeline steps, for incremental-caching tests (<c>GeneratorRunResult.TrackedSteps</c>).</summary>
internal static class TrackingNames
{
    /// <summary>
    /// The per-type transforms of <c>[Signal]</c>, <c>[SignalFamily]</c> and <c>[SignalValue]</c> types: a <see cref="Models.SignalTypeModel"/>,
    /// or <see langword="null"/> for an invalid target or a type owned by another attribute's step.
    /// </summary>
    public const string SignalModels = nameof(SignalModels);

    /// <summary>Whether the compilation references <c>Signals.Client.ISignalsClient</c>, so that typed client accessors are emitted.</summary>
    public const string HasClient = nameof(HasClient);

    /// <summary>The assembly's sorted catalog entries, from which the catalog file is emitted.</summary>
    public const string Catalog = nameof(Catalog);
}
