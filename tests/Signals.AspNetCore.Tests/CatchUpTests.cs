using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// A lagging instance (its settled cursor behind what the client saw on another instance) holds a resumed stream or a sync until it
/// catches up (<see cref="SignalsEndpointOptions.CatchUpTimeout"/>), so the client is never told an older version than it has.
/// </summary>
public sealed class CatchUpTests
{
    private static readonly SignalKey One = SignalKey.Parse("a:one");

    private static SignalVersion V(long version) => new(One, version, null, DateTimeOffset.UtcNow);

    /// <summary>A server whose hub is tracked by a (simulated) dispatcher that has read up to version 12 of <c>a:one</c>; <paramref name="arrived"/> completes when a Signals request arrives.</summary>
    private static async Task<TestServerHost> StartLaggingAsync(TaskCompletionSource arrived, TimeSpan catchUp)
    {
        TestServerHost host = await TestServerHost.StartAsync(
            endpoints: o => o.CatchUpTimeout = catchUp,
            map: app =>
            {
                app.Use((context, next) =>
                {
                    arrived.TrySetResult();
                    return next(context);
                });
                app.MapSignals();
            });
        host.Hub.AdvanceSettledCursor(0);
        host.Hub.Publish([V(12)], settledCursor: 12);
        return host;
    }

    /// <summary>Lets the request reach the endpoint, then checks it is still held (it can only be held until the hub catches up).</summary>
    private static async Task AssertHeldAsync(Task request, TaskCompletionSource arrived, CancellationToken deadline)
    {
        await arrived.Task.WaitAsync(deadline);
        await Task.WhenAny(request, Task.Delay(TimeSpan.FromMilliseconds(300), deadline));
        Assert.False(request.IsCompleted, "the lagging instance answered before it caught up with what the client has seen");
    }

    [Fact]
    public async Task A_stream_resumed_with_a_higher_seen_version_waits_for_the_hub_and_never_sends_a_lower_version()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServerHost host = await StartLaggingAsync(arrived, TimeSpan.FromSeconds(30));

        // The client saw a:one@20 on another instance, whose id was "10-20" (a version above 10 was still in flight there).
        Task<SseClient> open = SseClient.OpenAsync(host.Client, "/signals/events?key=a:one", deadline.Token, lastEventId: "10-20");
        await AssertHeldAsync(open, arrived, deadline.Token);
        Assert.Equal(0, host.Hub.GetWatcherCount(One));

        host.Hub.Publish([V(20)], settledCursor: 20);
        await using SseClient events = await open;
        SseItem<string> item = await events.NextAsync();

        Assert.Equal(("a:one", 20), SignalEventData.KeyAndVersion(item));
        Assert.Equal("20", item.EventId);
    }

    [Fact]
    public async Task A_stream_resumed_on_an_instance_that_does_not_catch_up_in_time_answers_anyway_and_keeps_the_highest_version_in_its_ids()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServerHost host = await StartLaggingAsync(arrived, TimeSpan.FromMilliseconds(100));

        await using SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:one", deadline.Token, lastEventId: "10-20");
        SseItem<string> item = await events.NextAsync();

        Assert.Equal(("a:one", 12), SignalEventData.KeyAndVersion(item));
        Assert.Equal("12-20", item.EventId);
    }

    /// <summary>
    /// Version 20 is published while 18 is still in flight, so the settled cursor stops at 17: either while the sync waits (the client
    /// saw 20 on another instance first) or before it (this instance already sent 20, e.g. as an event). Either way the sync waits
    /// until 20 settles, and 20 is what the client has.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sync_knowing_a_version_above_the_settled_cursor_waits_until_it_settles_and_answers_with_it(bool publishedBeforeTheSync)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServerHost host = await StartLaggingAsync(arrived, TimeSpan.FromSeconds(30));
        if (publishedBeforeTheSync)
        {
            host.Hub.Publish([V(20)], settledCursor: 17);
        }

        Task<HttpResponseMessage> sync = host.PostSyncAsync("""{"known": {"a:one": 20}}""", deadline.Token);
        await AssertHeldAsync(sync, arrived, deadline.Token);
        if (!publishedBeforeTheSync)
        {
            host.Hub.Publish([V(20)], settledCursor: 17);
        }

        host.Hub.AdvanceSettledCursor(20);
        using HttpResponseMessage response = await sync;
        JsonElement body = await TestServerHost.ReadJsonAsync(response);

        Assert.Empty(body.GetProperty("changed").EnumerateObject());
        Assert.Equal(20, body.GetProperty("mesh").GetProperty("serverVersion").GetInt64());
    }

    [Fact]
    public async Task Sync_reports_the_settled_cursor_as_server_version_not_the_highest_version()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServerHost host = await StartLaggingAsync(arrived, TimeSpan.FromSeconds(30));
        host.Hub.Publish([new SignalVersion(SignalKey.Parse("a:two"), 15, null, DateTimeOffset.UtcNow)], settledCursor: 13);

        using HttpResponseMessage response = await host.PostSyncAsync("""{"known": {"a:one": 0, "a:two": 0}}""", deadline.Token);
        JsonElement body = await TestServerHost.ReadJsonAsync(response);

        Assert.Equal(12, body.GetProperty("changed").GetProperty("a:one").GetProperty("version").GetInt64());
        Assert.Equal(15, body.GetProperty("changed").GetProperty("a:two").GetProperty("version").GetInt64());
        Assert.Equal(13, body.GetProperty("mesh").GetProperty("serverVersion").GetInt64());
    }
}
