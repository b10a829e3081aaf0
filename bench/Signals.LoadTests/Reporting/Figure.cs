namespace Signals.LoadTests.Reporting;

/// <summary>One measured figure of a scenario, with its goal when it has one.</summary>
/// <param name="Name">What was measured, e.g. <c>Signals p50</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Unit">Its unit, e.g. <c>ms</c>, <c>req/s</c>, <c>×</c>.</param>
/// <param name="Goal">The goal as text, e.g. <c>≤ 1.3×</c>, or <see langword="null"/> for a figure shown for context.</param>
/// <param name="Met">Whether the goal was met, or <see langword="null"/> without a goal.</param>
internal sealed record Figure(string Name, double Value, string Unit, string? Goal = null, bool? Met = null)
{
    /// <summary>Creates a figure whose goal is an upper bound.</summary>
    /// <param name="name">What was measured.</param>
    /// <param name="value">The value.</param>
    /// <param name="unit">Its unit.</param>
    /// <param name="limit">The largest value that meets the goal.</param>
    /// <param name="goal">The goal as text; by default <c>≤ {limit} {unit}</c>.</param>
    /// <returns>The figure.</returns>
    public static Figure AtMost(string name, double value, string unit, double limit, string? goal = null)
        => new(name, value, unit, goal ?? $"≤ {limit:0.##} {unit}", value <= limit);

    /// <summary>Creates a figure whose goal is a lower bound.</summary>
    /// <param name="name">What was measured.</param>
    /// <param name="value">The value.</param>
    /// <param name="unit">Its unit.</param>
    /// <param name="limit">The smallest value that meets the goal.</param>
    /// <param name="goal">The goal as text; by default <c>≥ {limit} {unit}</c>.</param>
    /// <returns>The figure.</returns>
    public static Figure AtLeast(string name, double value, string unit, double limit, string? goal = null)
        => new(name, value, unit, goal ?? $"≥ {limit:0.##} {unit}", value >= limit);
}
