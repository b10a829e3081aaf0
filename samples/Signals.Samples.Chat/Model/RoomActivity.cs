using Signals;

namespace Signals.Samples.Chat.Model;

/// <summary>
/// A room's activity, a computed signal: <c>chat:room-activity:{RoomId}</c> moves whenever the room's messages
/// (<c>chat:room:{RoomId}</c>) or its participants (<c>chat:participants:{RoomId}</c>) change, once per save.
/// </summary>
[SignalNamespace("chat")]
[SignalComputed("room-activity:{RoomId}", "chat:room:{RoomId}", "chat:participants:{RoomId}")]
public sealed partial class RoomActivity;
