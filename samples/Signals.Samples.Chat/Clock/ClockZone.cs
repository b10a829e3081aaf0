using Signals;

namespace Signals.Samples.Chat.Clock;

/// <summary>A room's time-zone setting: a value signal (<c>time:zone:{RoomId}</c>), so every page showing the room follows a change.</summary>
/// <param name="TimeZone">An IANA time-zone id, e.g. <c>Europe/Paris</c>.</param>
[SignalValue("time:zone:{RoomId}")]
public sealed partial record ClockZone(string TimeZone = ClockZone.DefaultTimeZone)
{
    /// <summary>The zone of a room that never chose one: <c>UTC</c>.</summary>
    public const string DefaultTimeZone = "UTC";
}
