using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Signals.Client.Tests.Infrastructure;

namespace Signals.Client.Tests;

/// <summary>The HTTP client's watch when the connection does not hold: restarts, cuts, buffering proxies, resets; and its other modes.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task Server_restarted_mid_stream_on_the_same_port_resumes_with_nothing_lost()
    {
        using CancellationTokenSource deadline = Await.Deadline(30);
        await using ClientTestServer server = await ClientTestServer.StartAsync();
        await using ServiceProvider services = ClientHarness.CreateHttpServices(server.BaseAddress, o => o.Mode = SignalsClientMode.Sse);
        var client = services.GetRequiredService<ISignalsClient>();
        SignalVersion first = await server.ChangeAsync("chat:room:general");
        await using var watcher = new Watcher(client, deadline.Token, "chat:room:general", "chat:room:random");
        await watcher.UntilAsync("chat:room:general", first.Version);

        // The start-up sync reported the first version; a change through the stream gives the watch an event id to resume from.
        SignalVersion streamed = await server.ChangeAsync("chat:room:general");
        await watcher.UntilAsync("chat:room:general", streamed.Version);

        // Changes committed while no server runs (another instance, or before this one came back) must still arrive.
        await server.StopAsync();
        await server.ChangeAsync("chat:room:general");
        SignalVersion general = await server.ChangeAsync("chat:room:general");
        SignalVersion random = await server.ChangeAsync("chat:room:random");
        await server.StartAgainAsync();

        await watcher.UntilAsync("chat:room:random", random.Version);
        Assert.Contains(watcher.Seen, v => v == general with { UpdatedAt = v.UpdatedAt });
        SignalVersion later = await server.ChangeAsync("chat:room:general");
        await watcher.UntilAsync("chat:room:general", later.Version);

        // The new server was asked to resume after the last event the client had seen.
        Assert.Contains(server.RequestsTo("GET", "/signals/events"), r => r.LastEventId == streamed.Version.ToString(CultureInfo.InvariantCulture));
        watcher.AssertMonotonic();
    }

    [Fact]
    public async Task Cut_connection_is_resumed_after_the_servers_retry_hint_with_nothing_lost()
    {
        using CancellationTokenSource deadline = Await.Deadline(20);
        await using ClientTestServer server = await ClientTestServer.StartAsync();
        await using var relay = new TcpRelay(server.BaseAddress);

        // A 30 s first delay: the reconnections below happen within the deadline only because the server sent "retry: 50".
        await using ServiceProvider services = ClientHarness.CreateHttpServices(relay.Address, o =>
        {
            o.ReconnectDelay = TimeSpan.FromSeconds(30);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(30);
        });
        var client = services.GetRequiredService<ISignalsClient>();
        SignalVersion first = await server.ChangeAsync("chat:room:general");
        await using var watcher = new Watcher(client, deadline.Token, "chat:room:general");
        await watcher.UntilAsync("chat:room:general", first.Version);

        // The start-up sync reported the first version; a change through the stream gives the watch an event id to resume from.
        SignalVersion streamed = await server.ChangeAsync("chat:room:general");
        await watcher.UntilAsync("chat:room:general", streamed.Version);

        relay.Cut();
        await server.ChangeAsync("chat:room:general");
        SignalVersion whileCut = await server.ChangeAsync("chat:room:general");
        relay.Restore();
        await watcher.UntilAsync("chat:room:general", whileCut.Version);

        relay.Cut();
        relay.Restore();
        SignalVersion afterSecondCut = await server.ChangeAsync("chat:room:general");
        await watcher.UntilAsync("chat:room:general", afterSecondCut.Version);

        Assert.Contains(server.RequestsTo("GET", "/signals/events"), r => r.LastEventId == streamed.Version.ToString(CultureInfo.InvariantCulture));

        // Only the start-up sync: reconnections resume the stream, they do not sync.
        Assert.Single(server.RequestsTo("POST", "/signals/sync"));
        watcher.AssertMonotonic();
    }

    [Fact]
    public async Task Buffering_proxy_makes_auto_mode_fall_back_to_long_polling_and_changes_still_arrive()
    {
        using CancellationTokenSource deadline = Await.Deadline(20);
        await using ClientTestServer server = await ClientTestServer.StartAsync();
        await using BufferingProxy proxy = await BufferingProxy.StartAsync(server.BaseAddress);

        // The server sends a heartbeat every 200 ms; through the proxy, nothing arrives within the 1 s open timeout.
        await using ServiceProvider services = ClientHarness.CreateHttpServices(proxy.Address, o => o.StreamOpenTimeout = TimeSpan.FromSeconds(1));
        var client = services.GetRequiredService<ISignalsClient>();
        SignalVersion first = await server.ChangeAsync("chat:room:general");
        await using var watcher = new Watcher(client, deadline.Token, "chat:room:general");

        await watcher.UntilAsync("chat:room:general", first.Version);
        SignalVersion second = await server.ChangeAsync("chat:room:general");
        await watcher.UntilAsync("chat:room:general", second.Version);

        // The start-up sync, the stream that shows nothing, then long-polling (the cursor form the start-up sync offered).
        string[] requests = [.. proxy.Requests];
        Assert.Equal("POST /signals/sync", requests[0]);
        Assert.Equal("GET /signals/events", requests[1]);
        Assert.Contains("POST /signals/changes", requests[2..]);
        Assert.Single(requests, r => r == "GET /signals/events");
    }

    [Fact]
    public async Task Sse_mode_does_not_fall_back_behind_a_buffering_proxy()
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientTestServer server = await ClientTestServer.StartAsync();
        await using BufferingProxy proxy = await BufferingProxy.StartAsync(server.BaseAddress);
        await using ServiceProvider services = ClientHarness.CreateHttpServices(proxy.Address, o =>
        {
            o.Mode = SignalsClientMode.Sse;
            o.StreamOpenTimeout = TimeSpan.FromMilliseconds(300);
        });
        SignalVersion changed = await server.ChangeAsync("chat:room:general");
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var watcher = new Watcher(services.GetRequiredService<ISignalsClient>(), watching.Token, "chat:room:general");

        // The start-up sync answers through the proxy (a complete response); what follows needs the stream.
        Assert.Equal(changed.Version, (await watcher.NextAsync()).Version);
        Task<SignalVersion> next = watcher.NextAsync();
        await server.ChangeAsync("chat:room:general");

        // It keeps reopening the stream (each attempt times out silently) and never syncs again.
        await Await.UntilAsync(() => proxy.Requests.Count(r => r == "GET /signals/events") >= 3, deadline.Token);
        Assert.Single(proxy.Requests, r => r == "POST /signals/sync");
        Assert.Equal("POST /signals/sync", proxy.Requests.First());
        Assert.False(next.IsCompleted);

        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        await watcher.DisposeAsync();
    }

    [Fact]
    public async Task Reset_event_makes_the_watch_sync_in_full_and_resume_from_the_servers_position()
    {
        using CancellationTokenSource deadline = Await.Deadline();
        int streams = 0;
        await using ClientHarness harness = await ClientHarness.StartAsync(ClientKind.Http, map: app => app.MapGet("/signals/events", async (HttpContext context) =>
        {
            // A server that no longer holds the history before the cursor: "reset" and the end of the stream; then one change.
            context.Response.ContentType = "text/event-stream";
            string events = Interlocked.Increment(ref streams) == 1
                ? "event: reset\ndata: {}\n\n"
                : "id: 99\nevent: signal\ndata: {\"key\":\"chat:room:general\",\"version\":99,\"hash\":null,\"updatedAt\":0}\n\n";
            await context.Response.WriteAsync(events, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (streams == 1)
            {
                return;
            }

            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }).WithOrder(-1));
        SignalVersion general = await harness.Server.ChangeAsync("chat:room:general");
        SignalVersion random = await harness.Server.ChangeAsync("chat:room:random");
        await harness.Server.ChangeAsync("chat:room:unwatched");

        await using var watcher = new Watcher(harness.Client, deadline.Token, "chat:room:general", "chat:room:random");
        await watcher.NextAsync();
        await watcher.NextAsync();

        Assert.Equal([general.Version, random.Version], watcher.Seen.Select(v => v.Version).Order());

        // The next stream resumes from where the full sync left the server (past the unwatched key), not from an old cursor again.
        Assert.Equal(99, (await watcher.NextAsync()).Version);
        Assert.Equal(2, harness.Server.RequestsTo("POST", "/signals/sync").Count()); // the start-up sync, and the full sync after the reset
        string cursor = harness.Server.Hub.Cursor.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(["", cursor], harness.Server.RequestsTo("GET", "/signals/events").Select(r => r.LastEventId));
    }

    [Fact]
    public async Task Versions_at_or_below_one_already_yielded_are_never_yielded()
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(ClientKind.Http, map: app => app.MapGet("/signals/events", async (HttpContext context) =>
        {
            // Out of order, duplicated, and for a key nobody asked for: only 5, then 7, may reach the caller.
            context.Response.ContentType = "text/event-stream";
            foreach (long version in (long[])[5, 3, 5, 6, 7])
            {
                string key = version == 6 ? "chat:room:other" : "chat:room:general";
                await context.Response.WriteAsync(
                    $"id: {version}\nevent: signal\ndata: {{\"key\":\"{key}\",\"version\":{version},\"hash\":null,\"updatedAt\":0}}\n\n", context.RequestAborted);
            }

            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }).WithOrder(-1));

        await using var watcher = new Watcher(harness.Client, deadline.Token, "chat:room:general");
        Assert.Equal(0, (await watcher.NextAsync()).Version); // the start-up sync: the real server never saw the key change
        Assert.Equal(5, (await watcher.NextAsync()).Version);
        Assert.Equal(7, (await watcher.NextAsync()).Version);
    }

    [Fact]
    public async Task Change_events_are_read_whatever_the_server_names_them()
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(ClientKind.Http, map: app => app.MapGet("/signals/events", async (HttpContext context) =>
        {
            // A server configured with SignalsEndpointOptions.EventType = "change".
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(
                "id: 8\nevent: change\ndata: {\"key\":\"chat:room:general\",\"version\":8,\"hash\":null,\"updatedAt\":0}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }).WithOrder(-1));

        await using var watcher = new Watcher(harness.Client, deadline.Token, "chat:room:general");
        Assert.Equal(0, (await watcher.NextAsync()).Version); // the start-up sync: the real server never saw the key change
        Assert.Equal(8, (await watcher.NextAsync()).Version);
    }

    [Fact]
    public async Task A_404_that_is_not_value_not_found_is_an_error_not_a_missing_value()
    {
        // A server that does not map the values endpoint: readers must not silently get the default value.
        await using ClientHarness harness = await ClientHarness.StartAsync(ClientKind.Http, map: app => app.MapGet("/signals/values/{**key}", () => Results.NotFound()).WithOrder(-1));

        var error = await Assert.ThrowsAsync<HttpRequestException>(
            () => harness.Client.GetValueAsync(SignalKey.Parse("app:theme"), TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
    }
}

