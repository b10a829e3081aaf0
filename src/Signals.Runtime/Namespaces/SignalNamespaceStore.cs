namespace Signals;

/// <summary>Where the versions and values of a mapped namespace's keys live (see <c>MapNamespace</c>).</summary>
public enum SignalNamespaceStore
{
    /// <summary>No store chosen: the namespace is not mapped, and its keys use the app's store (the EF Core outbox, or the in-memory store).</summary>
    Default = 0,

    /// <summary>
    /// An in-memory store local to this instance, for ephemeral signals (typing indicators, presence): changes and values of the
    /// namespace's keys never touch the database (no outbox row, no value row, no <c>NOTIFY</c>) and reach only this instance's
    /// subscribers. Everything is lost when the process ends.
    /// </summary>
    InMemory = 1,
}
