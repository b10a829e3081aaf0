using Signals;

namespace Signals.Samples.Chat.Model;

/// <summary>Someone in a room (one browser tab). Joining, renaming or leaving bumps <c>chat:participants:{RoomId}</c>.</summary>
[SignalNamespace("chat")]
[SignalFamily("participants:{RoomId}")]
public partial class Participant
{
    /// <summary>Gets or sets the room.</summary>
    public string RoomId { get; set; } = "";

    /// <summary>Gets or sets the id the client chose for itself (one per tab); with <see cref="RoomId"/> the primary key.</summary>
    public string Id { get; set; } = "";

    /// <summary>Gets or sets the name shown in the room.</summary>
    public string Name { get; set; } = "";

    /// <summary>Gets or sets when the participant joined.</summary>
    public DateTimeOffset JoinedAt { get; set; }
}
