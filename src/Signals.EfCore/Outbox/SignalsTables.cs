using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>The three Signals tables of a relational context: outbox, compacted state, values.</summary>
/// <param name="Outbox">The <see cref="SignalOutboxEntry"/> table.</param>
/// <param name="State">The <see cref="SignalStateEntry"/> table.</param>
/// <param name="Values">The <see cref="SignalValueEntry"/> table.</param>
internal sealed record SignalsTables(MappedTable Outbox, MappedTable State, MappedTable Values)
{
    /// <summary>Reads the tables from a relational context's model.</summary>
    /// <param name="context">A context of the application's type.</param>
    /// <returns>The tables.</returns>
    /// <exception cref="InvalidOperationException">The model does not map the Signals tables (see <c>AddSignalsOutbox()</c>).</exception>
    public static SignalsTables FromModel(DbContext context) => new(
        MappedTable.FromModel(context, typeof(SignalOutboxEntry)),
        MappedTable.FromModel(context, typeof(SignalStateEntry)),
        MappedTable.FromModel(context, typeof(SignalValueEntry)));
}
