namespace Signals;

/// <summary>
/// This instance's view of its cluster: the other live instances that share its database, with their health and last heartbeat. Sync
/// answers report it as <c>mesh.peers</c> (Reality's shape) and <c>GET {prefix}/mesh</c> shows it.
/// </summary>
/// <remarks>
/// <para>A singleton registered by <c>AddSignals()</c>. It stays empty (<see cref="Self"/> <see langword="null"/>) unless something
/// heartbeats: the EF Core outbox (<c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>) does, through the <c>signals_instances</c> table.
/// Reads are lock-free snapshots; the heartbeat replaces the whole view at once.</para>
/// </remarks>
public sealed class SignalMesh
{
    private View _view = new(null, [], DateTimeOffset.MinValue);

    /// <summary>Initializes an empty view; <c>AddSignals()</c> registers the one instance an app has.</summary>
    internal SignalMesh()
    {
    }

    /// <summary>Gets this instance as it last recorded itself, or <see langword="null"/> before its first heartbeat (or without one).</summary>
    public SignalPeer? Self => Volatile.Read(ref _view).Self;

    /// <summary>Gets the other instances seen alive at the last refresh, ordered by <see cref="SignalPeer.InstanceId"/>; empty when alone.</summary>
    public IReadOnlyList<SignalPeer> Peers => Volatile.Read(ref _view).Peers;

    /// <summary>Gets when the view was last refreshed from the database (<see cref="DateTimeOffset.MinValue"/> before the first refresh).</summary>
    public DateTimeOffset RefreshedAt => Volatile.Read(ref _view).RefreshedAt;

    /// <summary>Replaces the view (called by the heartbeat).</summary>
    /// <param name="self">This instance.</param>
    /// <param name="peers">The other live instances.</param>
    /// <param name="refreshedAt">When the peers were read.</param>
    internal void Update(SignalPeer? self, IEnumerable<SignalPeer> peers, DateTimeOffset refreshedAt)
        => Volatile.Write(ref _view, new View(self, [.. peers.OrderBy(static p => p.InstanceId, StringComparer.Ordinal)], refreshedAt));

    private sealed record View(SignalPeer? Self, SignalPeer[] Peers, DateTimeOffset RefreshedAt);
}
