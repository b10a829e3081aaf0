namespace Signals.LoadTests;

/// <summary>One load scenario: a command of the harness that measures and returns its figures.</summary>
internal abstract class Scenario
{
    /// <summary>Gets the command name, also the name of its result files.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a readable title.</summary>
    public abstract string Title { get; }

    /// <summary>Gets how long the scenario may run before it is stopped; 5 minutes unless a scenario needs more.</summary>
    public virtual TimeSpan TimeLimit => TimeSpan.FromMinutes(5);

    /// <summary>Runs the scenario.</summary>
    /// <param name="context">The run's options and shared resources.</param>
    /// <param name="cancellationToken">The scenario's deadline.</param>
    /// <returns>How it was measured (one line per fact) and the figures.</returns>
    public abstract Task<Measurement> MeasureAsync(ScenarioContext context, CancellationToken cancellationToken);
}
