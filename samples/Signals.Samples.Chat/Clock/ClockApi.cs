using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Signals;
using Signals.Samples.Chat.Model;

namespace Signals.Samples.Chat.Clock;

/// <summary>The clock's JSON API under <c>/api/clock</c>: a room's latest tick and its time-zone setting.</summary>
public static class ClockApi
{
    /// <summary>A room's clock as the API returns it.</summary>
    /// <param name="TimeZone">The room's time-zone setting.</param>
    /// <param name="Tick">The latest tick, or <see langword="null"/> when the clock never ticked.</param>
    public sealed record ClockDto(string TimeZone, ClockTick? Tick);

    /// <summary>A time zone to set.</summary>
    /// <param name="TimeZone">An IANA time-zone id known to the server, e.g. <c>Asia/Tokyo</c>.</param>
    public sealed record SetTimeZone(string? TimeZone);

    /// <summary>
    /// Adds the clock sample's producer: <c>AddSignalProducer</c> over <c>time:room:{RoomId}</c>, ticking a room's clock once a second
    /// while a page anywhere in the cluster watches it (<see cref="ClockProducer"/>).
    /// </summary>
    /// <param name="signals">The app's Signals builder.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    public static ISignalsBuilder AddClockSample(this ISignalsBuilder signals)
        => signals.AddSignalProducer<ClockProducer.ClockRoom>(ClockProducer.Template, ClockProducer.TickAsync);

    /// <summary>Maps the clock sample: its API under <c>/api/clock</c> (the page is <c>wwwroot/clock.html</c>); call <see cref="AddClockSample"/> too.</summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <returns>The API's route group.</returns>
    public static RouteGroupBuilder MapClockSample(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api/clock");
        api.MapGet("/{roomId}", GetAsync);
        api.MapPut("/{roomId}/zone", SetZoneAsync);
        return api;
    }

    private static async Task<Results<Ok<ClockDto>, NotFound>> GetAsync(string roomId, ChatDbContext db, ISignalValueStore values, CancellationToken cancellationToken)
    {
        if (!await db.Rooms.AnyAsync(r => r.Id == roomId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        SignalValue<ClockZone> zone = await values.GetAsync(ClockZone.Keys.Value(roomId), static () => new ClockZone(), cancellationToken);
        ClockTick? tick = await values.GetAsync(ClockTick.Keys.Value(roomId), cancellationToken) is { } stored
            ? SignalValueStoreExtensions.Deserialize<ClockTick>(stored).Value
            : null;
        return TypedResults.Ok(new ClockDto(zone.Value.TimeZone, tick));
    }

    private static async Task<Results<Ok<ClockZone>, NotFound, ValidationProblem>> SetZoneAsync(
        string roomId, SetTimeZone set, ChatDbContext db, ISignalValueStore values, CancellationToken cancellationToken)
    {
        string id = set.TimeZone?.Trim() ?? "";
        if (id.Length is 0 or > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["timeZone"] = [$"'{set.TimeZone}' is not a time zone this server knows; use an IANA id such as 'Europe/Paris'."],
            });
        }

        if (!await db.Rooms.AnyAsync(r => r.Id == roomId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        SignalValue<ClockZone> zone = await values.SetAsync(ClockZone.Keys.Value(roomId), new ClockZone(id), cancellationToken);
        return TypedResults.Ok(zone.Value);
    }
}
