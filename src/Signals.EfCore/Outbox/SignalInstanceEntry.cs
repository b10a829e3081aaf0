namespace Signals.EntityFrameworkCore;

/// <summary>The heartbeat row of one app instance: how instances sharing a database find each other (the mesh, <see cref="SignalMesh"/>).</summary>
/// <remarks>
/// Mapped by <c>modelBuilder.AddSignalsOutbox()</c> to <c>signals_instances</c> (columns <c>id</c>, <c>host</c>, <c>started_at</c>,
/// <c>last_seen_at</c>, <c>health</c>). Each instance updates its own row every <see cref="SignalsMeshOptions.HeartbeatInterval"/>,
/// deletes it when it stops, and any instance deletes rows unseen for <see cref="SignalsMeshOptions.RemoveAfter"/>.
/// </remarks>
public sealed class SignalInstanceEntry
{
    /// <summary>The longest instance id the table holds: 200 characters.</summary>
    public const int IdMaxLength = 200;

    /// <summary>The longest host name the table holds: 255 characters (longer names are cut).</summary>
    public const int HostMaxLength = 255;

    /// <summary>The longest health the table holds: 16 characters.</summary>
    public const int HealthMaxLength = 16;

    /// <summary>Gets or sets the instance's name (<see cref="SignalsOptions.InstanceId"/>), the primary key.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the machine the instance runs on.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>Gets or sets when the instance started heartbeating.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>Gets or sets when the instance last heartbeated (its own clock).</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>Gets or sets the instance's health at its last heartbeat (<see cref="SignalPeerHealth"/>).</summary>
    public string Health { get; set; } = SignalPeerHealth.Healthy;
}
