using System.Globalization;
using System.Net.ServerSentEvents;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary>Resuming the event stream: a cursor older than retained history gets <c>event: reset</c>; event ids never pass an unsettled version.</summary>
public sealed class EventsResumeTests
{
    private static string Id(long version) => version.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_cursor_older_than_the_resume_floor_gets_reset_then_the_full_current_state()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:one", "a:two", "a:three");
        host.Hub.AdvanceResumeFloor(v[1].Version);

        await using SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:one&key=a:two&key=a:three", deadline.Token, lastEventId: Id(v[0].Version));

        SseItem<string> reset = await events.NextAsync();
        Assert.Equal("reset", reset.EventType);
        Assert.Null(reset.EventId);
        Assert.Equal($$"""{"resumeFloor":{{v[1].Version}}}""", reset.Data);
        Assert.Equal(TimeSpan.FromSeconds(3), reset.ReconnectionInterval);
        var state = new List<(string, long)>();
        for (int i = 0; i < 3; i++)
        {
            SseItem<string> item = await events.NextAsync();
            Assert.Equal("signal", item.EventType);
            state.Add(SignalEventData.KeyAndVersion(item));
        }

        Assert.Equal([("a:one", v[0].Version), ("a:two", v[1].Version), ("a:three", v[2].Version)], state);
    }

    [Fact]
    public async Task A_cursor_at_or_above_the_resume_floor_resumes_without_reset()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        IReadOnlyList<SignalVersion> v = await host.ChangeAsync("a:one", "a:two");
        host.Hub.AdvanceResumeFloor(v[0].Version);

        await using SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:one&key=a:two", deadline.Token, lastEventId: Id(v[0].Version));

        SseItem<string> first = await events.NextAsync();
        Assert.Equal("signal", first.EventType);
        Assert.Equal(("a:two", v[1].Version), SignalEventData.KeyAndVersion(first));
    }

    [Fact]
    public async Task Event_ids_stay_at_the_settled_cursor_so_a_late_lower_version_reaches_a_resuming_client()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        SignalHub hub = host.Hub;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        hub.AdvanceSettledCursor(0);
        hub.Publish(new SignalVersion(SignalKey.Parse("a:one"), 10, null, now));

        string resumeFrom;
        await using (SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:one&key=a:two", deadline.Token))
        {
            SseItem<string> item = await events.NextAsync();
            Assert.Equal(("a:one", 10), SignalEventData.KeyAndVersion(item));
            Assert.Equal("0-10", item.EventId); // version 10 is above the settled cursor: id 9 may still commit; the client has seen 10
            resumeFrom = item.EventId!;
        }

        // Version 9 commits late; the client resumes from the id it got and receives it.
        hub.Publish(new SignalVersion(SignalKey.Parse("a:two"), 9, null, now));
        hub.AdvanceSettledCursor(10);
        await using SseClient resumed = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:one&key=a:two", deadline.Token, lastEventId: resumeFrom);
        SseItem<string> late = await resumed.NextAsync();
        Assert.Equal(("a:two", 9), SignalEventData.KeyAndVersion(late));
        Assert.Equal("9-10", late.EventId);
        SseItem<string> again = await resumed.NextAsync();
        Assert.Equal(("a:one", 10), SignalEventData.KeyAndVersion(again));
        Assert.Equal("10", again.EventId);
    }
}
