namespace Signals.Chaos.Tests.Model;

/// <summary>
/// One row the raw-SQL writer inserts through the provider's own ADO.NET connection, never through EF Core. Its table is captured
/// (<c>HasSignalCapture()</c>): the database's triggers bump <c>chaos:raw</c> (every raw transaction) and <c>chaos:raw-item:{ItemId}</c>.
/// Mapped only so that the model describes the table and its triggers; the test reads its ids back like <see cref="ChaosNote"/>'s.
/// </summary>
[SignalNamespace("chaos")]
[Signal("raw")]
[SignalFamily("raw-item:{ItemId}")]
public partial class ChaosRawNote
{
    /// <summary>Gets or sets the id, chosen by the writer.</summary>
    public Guid Id { get; set; }

    /// <summary>Gets or sets the item the note is about.</summary>
    public int ItemId { get; set; }

    /// <summary>Gets or sets the writer that inserted the note.</summary>
    public int Writer { get; set; }
}
