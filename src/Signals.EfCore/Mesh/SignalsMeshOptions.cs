using System.ComponentModel.DataAnnotations;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Options of the mesh heartbeat, with which the instances sharing a database find each other (<see cref="SignalMesh"/>, the
/// <c>signals_instances</c> table): bound from the configuration section <c>Signals:Mesh</c> by
/// <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>, configurable with <c>services.Configure&lt;SignalsMeshOptions&gt;(…)</c>,
/// validated at start-up.
/// </summary>
public sealed class SignalsMeshOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from: <c>Signals:Mesh</c>.</summary>
    public const string SectionName = "Signals:Mesh";

    /// <summary>The shortest positive <see cref="TimeSpan"/> (one tick), as <see cref="RangeAttribute"/> parses it.</summary>
    private const string PositiveTimeSpan = "00:00:00.0000001";

    /// <summary><see cref="TimeSpan.MaxValue"/>, as <see cref="RangeAttribute"/> parses it.</summary>
    private const string MaxTimeSpan = "10675199.02:48:05.4775807";

    /// <summary>Gets or sets whether this instance heartbeats and reads its peers.</summary>
    /// <remarks>The default is <see langword="true"/>. Off, the instance neither appears in other instances' mesh nor lists them (<c>mesh.peers</c> is <c>{}</c>).</remarks>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how often the instance records its heartbeat in <c>signals_instances</c>.</summary>
    /// <remarks>
    /// <para>The default is 5 seconds; must be positive. The instance reads its peers twice per interval and lists a peer whose last
    /// heartbeat is at most two intervals old, so an instance that dies (killed, or cut off from the database) leaves every other
    /// instance's list within three intervals; one that stops gracefully deletes its row and leaves at the next read. Heartbeat times are
    /// the instances' own clocks: keep the hosts' clocks in sync (NTP), as for any heartbeat.</para>
    /// </remarks>
    [Range(typeof(TimeSpan), PositiveTimeSpan, MaxTimeSpan)]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long the row of an instance that stopped heartbeating is kept before any instance deletes it.</summary>
    /// <remarks>The default is 10 minutes; must be longer than two <see cref="HeartbeatInterval"/>s (a live instance's row is never deleted).</remarks>
    [Range(typeof(TimeSpan), PositiveTimeSpan, MaxTimeSpan)]
    public TimeSpan RemoveAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets how old a peer's last heartbeat may be for the peer to be listed: two <see cref="HeartbeatInterval"/>s.</summary>
    internal TimeSpan LiveWindow => HeartbeatInterval * 2;

    /// <inheritdoc/>
    /// <remarks>Checks what attributes cannot say: <see cref="RemoveAfter"/> is longer than two heartbeats.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HeartbeatInterval > TimeSpan.Zero && RemoveAfter > TimeSpan.Zero && RemoveAfter <= LiveWindow)
        {
            yield return new ValidationResult(
                $"{nameof(SignalsMeshOptions)}.{nameof(RemoveAfter)} ({RemoveAfter}) must be longer than two {nameof(HeartbeatInterval)}s ({LiveWindow}), "
                + "or the rows of live instances would be deleted.",
                [nameof(RemoveAfter)]);
        }
    }
}
