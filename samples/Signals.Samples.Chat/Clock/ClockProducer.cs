using Microsoft.EntityFrameworkCore;
using Signals;
using Signals.Samples.Chat.Model;

namespace Signals.Samples.Chat.Clock;

/// <summary>
/// The clock's producer: ticks <c>time:room:{RoomId}</c> once a second (a <see cref="ClockTick"/> in the room's <see cref="ClockZone"/>)
/// while a page anywhere in the cluster watches it, as one copy across the app's instances (<c>AddSignalProducer</c>, registered by
/// <see cref="ClockApi.AddClockSample"/>).
/// </summary>
internal static class ClockProducer
{
    /// <summary>The keys the producer serves, one per room.</summary>
    public const string Template = "time:room:{RoomId}";

    /// <summary>Ticks a room's clock until the producer is stopped; a room that does not exist is not ticked, so made-up keys cost nothing.</summary>
    public static async Task TickAsync(ClockRoom room, SignalEmitter emit, CancellationToken cancellationToken)
    {
        await using (AsyncServiceScope scope = emit.Services.CreateAsyncScope())
        {
            if (!await scope.ServiceProvider.GetRequiredService<ChatDbContext>().Rooms.AnyAsync(r => r.Id == room.RoomId, cancellationToken))
            {
                return;
            }
        }

        var values = emit.Services.GetRequiredService<ISignalValueStore>();
        var clock = emit.Services.GetRequiredService<TimeProvider>();
        while (true)
        {
            DateTimeOffset now = clock.GetUtcNow();
            var second = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            ClockZone zone = (await values.GetAsync(ClockZone.Keys.Value(room.RoomId), static () => new ClockZone(), cancellationToken)).Value;
            TimeZoneInfo timeZone = TimeZoneInfo.TryFindSystemTimeZoneById(zone.TimeZone, out TimeZoneInfo? found) ? found : TimeZoneInfo.Utc;
            await emit.SetAsync(new ClockTick(second, zone.TimeZone, TimeZoneInfo.ConvertTime(second, timeZone)), cancellationToken);
            await Task.Delay(second.AddSeconds(1) - now, clock, cancellationToken);
        }
    }

    /// <summary>The producer's arguments: the placeholder of <c>time:room:{RoomId}</c>.</summary>
    /// <param name="RoomId">The room.</param>
    public sealed record ClockRoom(string RoomId);
}
