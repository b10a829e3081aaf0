using Signals;

namespace Signals.Samples.Chat.Clock;

/// <summary>
/// A room's clock, one value per second while someone watches it (<see cref="ClockProducer"/>): a value signal stored by Signals,
/// so each tick is a new version of <c>time:room:{RoomId}</c>.
/// </summary>
/// <param name="Utc">The server's time, to the second.</param>
/// <param name="TimeZone">The room's time zone (IANA id) when the tick was made.</param>
/// <param name="Local">The same instant in <paramref name="TimeZone"/>, with its offset.</param>
[SignalValue("time:room:{RoomId}")]
public sealed partial record ClockTick(DateTimeOffset Utc = default, string TimeZone = ClockZone.DefaultTimeZone, DateTimeOffset Local = default);
