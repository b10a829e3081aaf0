namespace Signals.EntityFrameworkCore;

/// <summary>
/// The default names of the Signals tables, defined once: <c>modelBuilder.AddSignalsOutbox()</c> maps them, and a provider's schema
/// script creates them (its test compares the script with what EF Core creates from the model).
/// </summary>
public static class SignalsTableNames
{
    /// <summary>The outbox: <c>signals_outbox</c>.</summary>
    public const string Outbox = "signals_outbox";

    /// <summary>The compacted per-key state: <c>signals_state</c>.</summary>
    public const string State = "signals_state";

    /// <summary>The value store: <c>signals_values</c>.</summary>
    public const string Values = "signals_values";

    /// <summary>The heartbeats of the app instances (the mesh): <c>signals_instances</c>.</summary>
    public const string Instances = "signals_instances";

    /// <summary>The identity of the deployment's version line (the epoch cursors carry): <c>signals_deployment</c>.</summary>
    public const string Deployment = "signals_deployment";

    /// <summary>Names the sequence of an outbox table's ids, on providers that draw them from one (PostgreSQL).</summary>
    /// <param name="outboxTable">The outbox table's name.</param>
    /// <returns><c>{outboxTable}_id_seq</c>, e.g. <c>signals_outbox_id_seq</c>.</returns>
    public static string IdSequence(string outboxTable) => outboxTable + "_id_seq";
}
