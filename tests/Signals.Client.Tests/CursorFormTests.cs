using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Signals.Client.Tests.Infrastructure;

namespace Signals.Client.Tests;

/// <summary>The HTTP client's long-polls use the cursor form of sync when the server offers it, and the key-list form otherwise.</summary>
public sealed class CursorFormTests
{
    [Theory]
    [InlineData(SignalsClientMode.LongPoll)]
    [InlineData(SignalsClientMode.Polling)]
    public async Task Sync_modes_deliver_every_change_without_the_event_stream_polling_from_the_cursor_after_the_first_sync(SignalsClientMode mode)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(ClientKind.Http, o => o.Mode = mode);
        SignalVersion first = await harness.Server.ChangeAsync("chat:room:general");
        await using var watcher = new Watcher(harness.Client, deadline.Token, "chat:room:general", "chat:room:random");
        await watcher.UntilAsync("chat:room:general", first.Version);

        SignalVersion random = await harness.Server.ChangeAsync("chat:room:random");
        await watcher.UntilAsync("chat:room:random", random.Version);
        SignalVersion general = await harness.Server.ChangeAsync("chat:room:general");
        await watcher.UntilAsync("chat:room:general", general.Version);

        // No event stream; one key-list sync at the start (its answer offers the cursor form), then only polls from the cursor.
        Assert.Empty(harness.Server.RequestsTo("GET", "/signals/events"));
        Assert.Single(harness.Server.RequestsTo("POST", "/signals/sync"));
        Assert.True(harness.Server.RequestsTo("POST", "/signals/changes").Count() >= 2);
        watcher.AssertMonotonic();
    }

    [Fact]
    public async Task A_cursor_form_that_cannot_be_reached_returns_the_watch_to_the_key_list_form()
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(
            ClientKind.Http,
            o => o.Mode = SignalsClientMode.LongPoll,
            map: app => app.MapPost("/signals/changes", () => Results.NotFound()).WithOrder(-1));
        SignalVersion first = await harness.Server.ChangeAsync("chat:room:general");
        await using var watcher = new Watcher(harness.Client, deadline.Token, "chat:room:general");
        await watcher.UntilAsync("chat:room:general", first.Version);

        SignalVersion later = await harness.Server.ChangeAsync("chat:room:general");
        await watcher.UntilAsync("chat:room:general", later.Version);

        Assert.Single(harness.Server.RequestsTo("POST", "/signals/changes"));
        Assert.True(harness.Server.RequestsTo("POST", "/signals/sync").Count() >= 2);
        watcher.AssertMonotonic();
    }
}
