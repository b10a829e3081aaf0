using Signals;

namespace Signals.Samples.Chat.Clock;

/// <summary>
/// Reads the clock's tick keys, <c>time:room:{RoomId}</c>; the keys themselves come from the generated <c>ClockTick.Keys.Value(roomId)</c>
/// and <c>ClockZone.Keys.Value(roomId)</c>.
/// </summary>
public static class ClockKeys
{
    /// <summary>Reads the room of a tick key.</summary>
    /// <param name="key">Any key.</param>
    /// <param name="roomId">The room, unescaped, when <paramref name="key"/> is a tick key.</param>
    /// <returns><see langword="true"/> when <paramref name="key"/> is <c>time:room:{RoomId}</c>.</returns>
    public static bool TryGetTickRoom(SignalKey key, out string roomId)
    {
        IReadOnlyList<string> segments = key.GetSegments();
        bool tick = segments is ["time", "room", _];
        roomId = tick ? segments[2] : "";
        return tick;
    }
}
