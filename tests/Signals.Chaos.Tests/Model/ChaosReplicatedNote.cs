namespace Signals.Chaos.Tests.Model;

/// <summary>
/// One row the replicated writer inserts through the provider's own ADO.NET connection, never through EF Core. Its table is captured by
/// logical replication (<c>HasSignalCaptureMechanism(SignalCaptureMechanism.LogicalReplication)</c>, PostgreSQL only): an instance's
/// replication consumer reads the committed rows from the outbox's slot and bumps <c>chaos:replicated</c> (every replicated
/// transaction) and <c>chaos:replicated-item:{ItemId}</c> in a later transaction of its own. Mapped only so that the model describes the
/// table and its publication; the test reads its ids back like <see cref="ChaosNote"/>'s.
/// </summary>
[SignalNamespace("chaos")]
[Signal("replicated")]
[SignalFamily("replicated-item:{ItemId}")]
public partial class ChaosReplicatedNote
{
    /// <summary>Gets or sets the id, chosen by the writer.</summary>
    public Guid Id { get; set; }

    /// <summary>Gets or sets the item the note is about.</summary>
    public int ItemId { get; set; }

    /// <summary>Gets or sets the writer that inserted the note.</summary>
    public int Writer { get; set; }
}
