namespace Signals.LoadTests.Model;

/// <summary>A row of a collection signal: saving any number of entries bumps the one key <c>bench:entries</c>.</summary>
[SignalNamespace("bench")]
[Signal("entries")]
public partial class BenchEntry
{
    /// <summary>Gets or sets the id (assigned by the harness).</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets a value.</summary>
    public long Value { get; set; }
}
