namespace Signals.LoadTests.Model;

/// <summary>The row every scenario writes: saving one bumps <c>bench:item:{Id}</c> (one key, one outbox row).</summary>
/// <remarks>The id is assigned by the harness, not the database, so keys are known when the save starts (no deferred keys).</remarks>
[SignalNamespace("bench")]
[SignalFamily("item:{Id}")]
public partial class BenchItem
{
    /// <summary>Gets or sets the id (assigned by the harness).</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets the value each save changes.</summary>
    public long Value { get; set; }
}
