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

    /// <summary>Gets the outbox rows the save in progress added to the change tracker.</summary>
    public List<SignalOutboxEntry> Staged { get; } = [];

    /// <summary>Gets or sets a value indicating whether the interceptor is running its own inner saves (it must not re-enter).</summary>
    public bool Inner { get; set; }

    /// <summary>
    /// Gets or sets the highest outbox id written inside a user transaction that has not committed yet (0 when the ids are unknown, as
    /// after <c>InvalidateSignalsAsync</c>), or <see langword="null"/> when nothing waits for a commit.
    /// </summary>
    public long? PendingHighestId { get; set; }

    /// <summary>Forgets the save in progress (not <see cref="PendingHighestId"/>).</summary>
    public void ClearSave()
    {
        Scratch.Clear();
        Keys.Clear();
        Deferred.Clear();
        Staged.Clear();
    }
}
