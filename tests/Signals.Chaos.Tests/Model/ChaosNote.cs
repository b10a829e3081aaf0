namespace Signals.Chaos.Tests.Model;

/// <summary>
/// One row a chaos writer inserts. Saving it bumps <c>chaos:all</c> (the hot key every transaction touches) and
/// <c>chaos:item:{ItemId}</c> (a key owned by one writer). Its <see cref="Id"/> is chosen by the writer, so whether a
/// transaction committed can be read back from the table when its commit's outcome was unknown.
/// </summary>
[SignalNamespace("chaos")]
[Signal("all")]
[SignalFamily("item:{ItemId}")]
public partial class ChaosNote
{
    /// <summary>Gets or sets the id, chosen by the writer.</summary>
    public Guid Id { get; set; }

    /// <summary>Gets or sets the item the note is about: its key is the version bump this note causes.</summary>
    public int ItemId { get; set; }

    /// <summary>Gets or sets the writer that inserted the note.</summary>
    public int Writer { get; set; }
}
