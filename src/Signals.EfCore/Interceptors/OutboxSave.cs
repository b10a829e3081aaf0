using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The save in progress of one <see cref="Microsoft.EntityFrameworkCore.DbContext"/>: its keys, and the entries whose keys wait for
/// database-generated values. A scoped service of EF Core's internal service provider (one per context, kept with a pooled context),
/// so the interceptors hold no per-context tables and a save allocates nothing of its own once the collections have grown; a context
/// runs one operation at a time, so no locking.
/// </summary>
internal sealed class OutboxSave
{
    /// <summary>Gets the reader reused for every entry of a save.</summary>
    public EntryValueReader Reader { get; } = new();

    /// <summary>Gets the keys one entry state produced, before they are deduped into <see cref="Keys"/>.</summary>
    public List<SignalKey> Scratch { get; } = [];

    /// <summary>Gets the distinct keys of the save in progress.</summary>
    public HashSet<SignalKey> Keys { get; } = [];

    /// <summary>Gets the entries whose keys depend on a value that is still temporary.</summary>
    public List<(EntityEntry Entry, ISignalSource Source)> Deferred { get; } = [];

    /// <summary>Gets or sets a value indicating whether the appender staged <see cref="Keys"/> for the save in progress.</summary>
    public bool Staged { get; set; }

    /// <summary>Gets or sets a value indicating whether the interceptor is running its own inner saves (it must not re-enter).</summary>
    public bool Inner { get; set; }

    /// <summary>
    /// Gets or sets whether the save changes a row of a table captured by triggers: they write the outbox rows, and the dispatchers are
    /// woken after the commit as for a staged save, instead of finding the rows at their next safety poll (a table captured by logical
    /// replication gets its rows later, from the slot's reader, which wakes them itself).
    /// </summary>
    public bool Captured { get; set; }

    /// <summary>Forgets the save in progress.</summary>
    public void Clear()
    {
        Scratch.Clear();
        Keys.Clear();
        Deferred.Clear();
        Staged = false;
        Captured = false;
    }
}
