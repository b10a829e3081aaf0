using System.Net;
using System.Net.Http.Json;
using Signals.Samples.Chat.Clock;
using Signals.Samples.Chat.Counter;
using Signals.Samples.Chat.Model;

namespace Signals.Browser.Tests;

/// <summary>The samples' JSON API refuses bad input with a clear problem and changes nothing (no key's version moves).</summary>
public sealed class SampleApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Counter_refuses_a_missing_or_too_large_amount()
    {
        await using SampleApp app = await SampleApp.StartAsync();

        using HttpResponseMessage tooBig = await app.Http.PostAsJsonAsync("/api/counter/add", new { amount = 1_000_001 }, Cancel);
        using HttpResponseMessage missing = await app.Http.PostAsJsonAsync("/api/counter/add", new { }, Cancel);

        await AssertProblemAsync(tooBig, HttpStatusCode.BadRequest, "between -1,000,000 and 1,000,000");
        await AssertProblemAsync(missing, HttpStatusCode.BadRequest, "between -1,000,000 and 1,000,000");
        Assert.Equal(new CounterApi.CounterDto(0, 0), await app.Http.GetFromJsonAsync<CounterApi.CounterDto>("/api/counter", Cancel));
    }

    [Fact]
    public async Task Clock_refuses_an_unknown_time_zone_and_an_unknown_room()
    {
        await using SampleApp app = await SampleApp.StartAsync();

        using HttpResponseMessage refused = await app.Http.PutAsJsonAsync("/api/clock/general/zone", new { timeZone = "Mars/Olympus_Mons" }, Cancel);
        using HttpResponseMessage noRoom = await app.Http.PutAsJsonAsync("/api/clock/no-such-room/zone", new { timeZone = "Asia/Tokyo" }, Cancel);

        await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "Mars/Olympus_Mons");
        Assert.Equal(HttpStatusCode.NotFound, noRoom.StatusCode);
        await AssertNeverChangedAsync(app, ClockZone.Keys.Value("general"), ClockZone.Keys.Value("no-such-room"));
    }

    [Fact]
    public async Task Rooms_refuse_a_name_without_letters_and_a_name_taken_already()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        long rooms = (await app.GetRequiredService<SignalHub>().GetVersionAsync(Room.Keys.All, Cancel)).Version;

        using HttpResponseMessage empty = await app.Http.PostAsJsonAsync("/api/rooms", new { name = " -- " }, Cancel);
        using HttpResponseMessage taken = await app.Http.PostAsJsonAsync("/api/rooms", new { name = "GENERAL" }, Cancel);

        await AssertProblemAsync(empty, HttpStatusCode.BadRequest, "at least one letter or digit");
        await AssertProblemAsync(taken, HttpStatusCode.Conflict, "The room 'general' exists already.");
        Assert.Equal(rooms, (await app.GetRequiredService<SignalHub>().GetVersionAsync(Room.Keys.All, Cancel)).Version);
        Assert.Equal(2, (await app.Http.GetFromJsonAsync<Room[]>("/api/rooms", Cancel))!.Length);
    }

    [Fact]
    public async Task Joining_refuses_a_bad_participant_id_or_name_and_an_unknown_room()
    {
        await using SampleApp app = await SampleApp.StartAsync();

        using HttpResponseMessage badId = await app.Http.PutAsJsonAsync("/api/rooms/general/participants/a%20b", new { name = "ada" }, Cancel);
        using HttpResponseMessage noName = await app.Http.PutAsJsonAsync("/api/rooms/general/participants/tab-1", new { name = "  " }, Cancel);
        using HttpResponseMessage noRoom = await app.Http.PutAsJsonAsync("/api/rooms/nowhere/participants/tab-1", new { name = "ada" }, Cancel);

        await AssertProblemAsync(badId, HttpStatusCode.BadRequest, "participant id");
        await AssertProblemAsync(noName, HttpStatusCode.BadRequest, "participant id");
        Assert.Equal(HttpStatusCode.NotFound, noRoom.StatusCode);
        await AssertNeverChangedAsync(app, Participant.Keys.Participants("general"), Participant.Keys.Participants("nowhere"));
        Assert.Equal("[]", await app.Http.GetStringAsync("/api/rooms/general/participants", Cancel));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static async Task AssertNeverChangedAsync(SampleApp app, params SignalKey[] keys)
    {
        var hub = app.GetRequiredService<SignalHub>();
        Assert.All(await hub.GetVersionsAsync(keys, Cancel), version => Assert.Equal(0, version.Version));
    }
}
