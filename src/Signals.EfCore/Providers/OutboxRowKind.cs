namespace Signals.EntityFrameworkCore;

/// <summary>What an <see cref="OutboxRow"/> stands for, which decides whether its dispatcher may have to announce its key again.</summary>
internal enum OutboxRowKind
{
    /// <summary>A change an application saved, read for the first time.</summary>
    Change,

    /// <summary>
    /// A row a dispatcher wrote to announce a key again after a change of it committed late (see
    /// <see cref="SignalOutboxEntry.ReannouncedId"/>); it carries no change of its own, so it is never announced again itself.
    /// </summary>
    Reannouncement,

    /// <summary>The latest version of a key as the start-up load or retention's compacted state reports it, not a change read in order.</summary>
    State,
}
