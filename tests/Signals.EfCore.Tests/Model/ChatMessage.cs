namespace Signals.EntityFrameworkCore.Tests.Model;

/// <summary>
/// A chat message with the keys the generator would give <c>[Signal] [SignalFamily("room:{RoomId}")]</c> in namespace <c>chat</c>,
/// written by hand so these tests do not depend on the generator.
/// </summary>
public sealed class ChatMessage : ISignalSource
{
    public static readonly SignalKey AnyMessage = SignalKey.Create("chat:chat-message");

    public Guid Id { get; set; } = Guid.NewGuid();

    public string RoomId { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;

    public static SignalKey Room(string roomId) => SignalKey.Create("chat:room", roomId);

    void ISignalSource.AddSignalKeys(ISignalValueReader values, ICollection<SignalKey> keys)
    {
        keys.Add(AnyMessage);
        keys.Add(Room(values.GetValue<string>(nameof(RoomId))));
    }
}
