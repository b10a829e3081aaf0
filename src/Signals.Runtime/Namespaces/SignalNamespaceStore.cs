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

    /// <summary>
    /// An EF Core <c>DbContext</c> of its own (another database, e.g. one tenant's), chosen in code with
    /// <c>MapNamespace(name, ns =&gt; ns.UseEntityFrameworkCore&lt;TContext&gt;())</c> (package Signals.EntityFrameworkCore): the namespace's
    /// changes are outbox rows of that database, written in the same transaction as its data, and every instance hears of them through
    /// that database's dispatcher. Its versions are that outbox's ids, a persisted version line of its own (see docs/namespaces.md).
    /// </summary>
    /// <remarks>Configuration cannot name a context type: an entry with this store and no context mapped in code fails at start-up.</remarks>
    EntityFrameworkCore = 2,
}
