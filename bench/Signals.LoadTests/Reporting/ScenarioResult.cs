namespace Signals.LoadTests.Reporting;

/// <summary>What one scenario measured, as written to <c>bench/results/{Scenario}.json</c>.</summary>
/// <param name="Scenario">The command name, e.g. <c>commit-to-event</c>.</param>
/// <param name="Title">A readable title.</param>
/// <param name="MeasuredAt">When the scenario started.</param>
/// <param name="Seconds">How long it ran.</param>
/// <param name="Quick">Whether it ran with <c>--quick</c> (short smoke run: the figures only show that it works).</param>
/// <param name="Machine">The machine.</param>
/// <param name="Setup">How it was measured (server, client, rates, sizes), one line per fact.</param>
/// <param name="Figures">The figures.</param>
internal sealed record ScenarioResult(
    string Scenario,
    string Title,
    DateTimeOffset MeasuredAt,
    double Seconds,
    bool Quick,
    MachineInfo Machine,
    IReadOnlyList<string> Setup,
    IReadOnlyList<Figure> Figures);
