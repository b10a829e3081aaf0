using Signals;

namespace Signals.Samples.Chat.Model;

/// <summary>A message posted in a room. Saving one bumps <c>chat:room:{RoomId}</c> — for both rooms when it moves.</summary>
[SignalNamespace("chat")]
[SignalFamily("room:{RoomId}")]
public partial class ChatMessage
{
    /// <summary>Gets or sets the database-generated id.</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets the room the message belongs to.</summary>
    public string RoomId { get; set; } = "";

    /// <summary>Gets or sets who wrote the message.</summary>
    public string Author { get; set; } = "";

    /// <summary>Gets or sets the message text.</summary>
    public string Text { get; set; } = "";

    /// <summary>Gets or sets when the message was posted.</summary>
    public DateTimeOffset SentAt { get; set; }
}
