using Signals;

namespace Signals.Samples.Chat.Model;

/// <summary>A chat room. Adding, renaming or removing a room bumps <c>chat:rooms</c>.</summary>
[SignalNamespace("chat")]
[Signal("rooms")]
public partial class Room
{
    /// <summary>Gets or sets the room's id, used in URLs and keys (e.g. <c>general</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>Gets or sets the room's display name.</summary>
    public string Name { get; set; } = "";
}
