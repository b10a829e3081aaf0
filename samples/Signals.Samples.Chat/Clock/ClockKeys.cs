using Signals;

namespace Signals.Samples.Chat.Clock;

/// <summary>The clock's keys: <c>time:room:{RoomId}</c> (the ticks) and <c>time:zone:{RoomId}</c> (the setting).</summary>
public static class ClockKeys
{
    /// <summary>Gets the key a room's clock ticks on.</summary>
    /// <param name="roomId">The room.</param>
    /// <returns><c>time:room:{roomId}</c>, escaped.</returns>
    public static SignalKey Tick(string roomId) => SignalKey.Create("time:room", roomId);

    /// <summary>Gets the key of a room's time-zone setting.</summary>
    /// <param name="roomId">The room.</param>
    /// <returns><c>time:zone:{roomId}</c>, escaped.</returns>
    public static SignalKey Zone(string roomId) => SignalKey.Create("time:zone", roomId);

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
