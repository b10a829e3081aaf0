namespace Signals;

/// <content>The epoch: which deployment's version line the hub's versions, and the cursors built on them, belong to.</content>
public sealed partial class SignalHub
{
    private string? _epoch;

    /// <summary>
    /// Gets the epoch of the hub's version line (<see cref="VersionEpoch"/>): the identity of the deployment whose versions the hub
    /// publishes. The endpoints put it in every cursor they hand out (SSE event ids, the cursor form's <c>cursor</c>) and reset a client
    /// whose cursor carries another one: its numbers count another deployment's changes. <see langword="null"/> while it is not known.
    /// </summary>
    /// <remarks>
    /// With a database (the EF Core outbox) the dispatcher sets the epoch stored there once (<c>signals_deployment</c>) before its first
    /// read: every instance on that database, and each of them after a restart, has the same one. A hub without a dispatcher has none,
    /// and its cursors carry none.
    /// </remarks>
    internal string? Epoch => Volatile.Read(ref _epoch);

    /// <summary>Sets the epoch of the version line the hub's source publishes (see <see cref="Epoch"/>).</summary>
    /// <param name="epoch">The epoch, as <see cref="VersionEpoch.IsValid"/> accepts it.</param>
    /// <exception cref="ArgumentException"><paramref name="epoch"/> is not an epoch.</exception>
    internal void SetEpoch(string epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (!VersionEpoch.IsValid(epoch))
        {
            throw new ArgumentException($"'{epoch}' is not an epoch: 1 to {VersionEpoch.MaxLength} lowercase ASCII letters and digits.", nameof(epoch));
        }

        Volatile.Write(ref _epoch, epoch);
    }
}
