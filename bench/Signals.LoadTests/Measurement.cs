using Signals.LoadTests.Reporting;

namespace Signals.LoadTests;

/// <summary>What a scenario returns.</summary>
/// <param name="Setup">How it was measured, one line per fact.</param>
/// <param name="Figures">The figures.</param>
internal sealed record Measurement(IReadOnlyList<string> Setup, IReadOnlyList<Figure> Figures);
