namespace Signals.Chaos.Tests.Workload;

/// <summary>One fault applied during a run.</summary>
/// <param name="Name">What was done.</param>
/// <param name="AtCommits">How many transactions had committed when it was applied.</param>
/// <param name="Effective">Whether it verifiably happened and the system came back (e.g. a backend was terminated, the listeners reconnected).</param>
/// <param name="Detail">What was observed.</param>
internal sealed record FaultResult(string Name, long AtCommits, bool Effective, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"at {AtCommits} commits: {Name}: {Detail}{(Effective ? string.Empty : " — NOT EFFECTIVE")}";
}
