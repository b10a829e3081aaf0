using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// What one <see cref="Microsoft.EntityFrameworkCore.DbContext"/> is doing with Signals: the save in progress and the version
/// bumps waiting for a user transaction to commit. Held in a <see cref="System.Runtime.CompilerServices.ConditionalWeakTable{TKey, TValue}"/>
/// keyed by the context, so the interceptor itself stays stateless; a context runs one operation at a time, so no locking.
/// </summary>
internal sealed class SaveState
{
    /// <summary>Gets the reader reused for every entry of a save.</summary>
    public EntryValueReader Reader { get; } = new();

    /// <summary>Gets the keys one entry state produced, before they are deduped into <see cref="Keys"/>.</summary>
    public List<SignalKey> Scratch { get; } = [];

    /// <summary>Gets the distinct keys staged by the save in progress.</summary>
    public HashSet<SignalKey> Keys { get; } = [];

    /// <summary>Gets the entries whose keys depend on a value that is still temporary.</summary>
    public List<(EntityEntry Entry, ISignalSource Source)> Deferred { get; } = [];

    /// <summary>Gets the outbox rows the save in progress added to the change tracker (providers other than PostgreSQL).</summary>
    public List<SignalOutboxEntry> Staged { get; } = [];

    /// <summary>Gets or sets a value indicating whether <see cref="Keys"/> wait for a command of the save to carry them (PostgreSQL).</summary>
    public bool AppendPending { get; set; }

    /// <summary>Gets or sets a value indicating whether a command of the save's current attempt carries <see cref="Keys"/>.</summary>
    public bool Appended { get; set; }

    /// <summary>
    /// Gets a value indicating whether the save that just succeeded wrote outbox rows: on PostgreSQL, whether a command carried them;
    /// otherwise whether it had keys (tracked rows, or the rows the interceptor inserted itself after a save of generated values).
    /// </summary>
    public bool Wrote => AppendPending ? Appended : Keys.Count > 0;

    /// <summary>Gets or sets a value indicating whether the interceptor is running its own inner saves (it must not re-enter).</summary>
    public bool Inner { get; set; }

    /// <summary>Gets or sets a value indicating whether outbox rows were written inside a user transaction that has not committed yet.</summary>
    public bool WakePending { get; set; }

    /// <summary>Forgets the save in progress (not <see cref="WakePending"/>).</summary>
    public void ClearSave()
    {
        Scratch.Clear();
        Keys.Clear();
        Deferred.Clear();
        Staged.Clear();
        AppendPending = false;
        Appended = false;
    }
}
