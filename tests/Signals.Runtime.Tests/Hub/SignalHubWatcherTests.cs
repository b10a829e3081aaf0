namespace Signals.Runtime.Tests.Hub;

public class SignalHubWatcherTests
{
    private static readonly SignalKey General = SignalKey.Parse("time:room:general");
    private static readonly SignalKey Random = SignalKey.Parse("time:room:random");

    [Fact]
    public void First_subscriber_and_last_unsubscriber_are_reported_per_key_and_the_rest_are_not()
    {
        var hub = new SignalHub();
        List<(string Key, bool IsWatched)> events = [];
        hub.WatchersChanged += (sender, e) =>
        {
            Assert.Same(hub, sender);
            events.Add((e.Key.Value, e.IsWatched));
        };

        SignalSubscription both = hub.Subscribe([General, Random]);
        SignalSubscription general = hub.Subscribe([General]);
        Assert.Equal([(General.Value, true), (Random.Value, true)], events);
        Assert.Equal(2, hub.GetWatcherCount(General));
        Assert.Equal(1, hub.GetWatcherCount(Random));

        both.Dispose();
        Assert.Equal([(General.Value, true), (Random.Value, true), (Random.Value, false)], events);
        Assert.Equal(1, hub.GetWatcherCount(General));
        Assert.Equal(0, hub.GetWatcherCount(Random));

        general.Dispose();
        general.Dispose();
        Assert.Equal([(General.Value, true), (Random.Value, true), (Random.Value, false), (General.Value, false)], events);
        Assert.Equal(0, hub.GetWatcherCount(General));
    }

    [Fact]
    public void Key_that_changed_keeps_reporting_after_its_watchers_come_and_go()
    {
        var hub = new SignalHub();
        hub.Publish(new SignalVersion(General, 3, null, DateTimeOffset.UnixEpoch));
        int watched = 0;
        int unwatched = 0;
        hub.WatchersChanged += (_, e) =>
        {
            if (e.IsWatched)
            {
                watched++;
            }
            else
            {
                unwatched++;
            }
        };

        for (int i = 0; i < 3; i++)
        {
            hub.Subscribe([General]).Dispose();
        }

        Assert.Equal(3, watched);
        Assert.Equal(3, unwatched);
        Assert.Equal(0, hub.GetWatcherCount(General));
    }

    [Fact]
    public async Task A_waiting_long_poll_is_a_watcher_until_it_returns()
    {
        var hub = new SignalHub();
        var watched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.WatchersChanged += (_, e) =>
        {
            if (e.IsWatched)
            {
                watched.TrySetResult();
            }
        };

        Task<bool> wait = hub.WaitForChangeAsync(new Dictionary<SignalKey, long> { [General] = 0 }, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken).AsTask();
        await watched.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(1, hub.GetWatcherCount(General));

        hub.Publish(new SignalVersion(General, 1, null, DateTimeOffset.UnixEpoch));

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(0, hub.GetWatcherCount(General));
    }

    [Fact]
    public void Unknown_key_has_no_watchers()
    {
        var hub = new SignalHub();

        Assert.Equal(0, hub.GetWatcherCount(General));
    }
}
