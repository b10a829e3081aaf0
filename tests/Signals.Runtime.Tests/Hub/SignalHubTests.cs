using System.Globalization;

namespace Signals.Runtime.Tests.Hub;

public class SignalHubTests
{
    private static readonly SignalKey General = SignalKey.Parse("chat:room:general");
    private static readonly SignalKey Random = SignalKey.Parse("chat:room:random");
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private static SignalVersion V(SignalKey key, long version) => new(key, version, null, Now);

    [Fact]
    public async Task Unknown_keys_are_at_version_zero()
    {
        var hub = new SignalHub();

        Assert.Equal(SignalVersion.Initial(General), await hub.GetVersionAsync(General, TestContext.Current.CancellationToken));
        Assert.True(hub.TryGetHeldVersion(General, out SignalVersion held));
        Assert.Equal(SignalVersion.Initial(General), held);
        Assert.Equal(0, hub.Cursor);
    }

    [Fact]
    public async Task Publish_is_monotonic_per_key_and_advances_the_cursor()
    {
        var hub = new SignalHub();

        Assert.True(hub.Publish(V(General, 5)));
        Assert.False(hub.Publish(V(General, 3)));
        Assert.False(hub.Publish(V(General, 5)));
        Assert.True(hub.Publish(V(Random, 4)));

        Assert.Equal(5, (await hub.GetVersionAsync(General, TestContext.Current.CancellationToken)).Version);
        Assert.Equal(4, (await hub.GetVersionAsync(Random, TestContext.Current.CancellationToken)).Version);
        Assert.Equal(5, hub.Cursor);
    }

    [Fact]
    public async Task A_version_read_while_it_is_published_is_never_torn()
    {
        // Version, hash and time of one publish belong together: a reader racing a publisher must get one publish entire.
        var hub = new SignalHub();
        const int Publishes = 200_000;
        Task publisher = Task.Run(() =>
        {
            for (long version = 1; version <= Publishes; version++)
            {
                hub.Publish(new SignalVersion(General, version, version.ToString(CultureInfo.InvariantCulture), Now.AddTicks(version)));
            }
        }, TestContext.Current.CancellationToken);

        int torn = 0;
        while (!publisher.IsCompleted)
        {
            SignalVersion read = await hub.GetVersionAsync(General, TestContext.Current.CancellationToken);
            if (read.Version > 0 && (read.Hash != read.Version.ToString(CultureInfo.InvariantCulture) || read.UpdatedAt != Now.AddTicks(read.Version)))
            {
                torn++;
            }
        }

        await publisher;
        Assert.Equal(0, torn);
        Assert.Equal(Publishes, (await hub.GetVersionAsync(General, TestContext.Current.CancellationToken)).Version);
    }

    [Fact]
    public void Keys_the_hub_holds_are_found_by_their_text_and_only_those()
    {
        var hub = new SignalHub();
        SignalKey watched = SignalKey.Parse("chat:room:watched");
        hub.Publish(V(General, 1));
        SignalSubscription subscription = hub.Subscribe([watched]);

        Assert.True(hub.TryGetKey("chat:room:general:x".AsSpan(0, 17), out SignalKey found));
        Assert.Equal(General, found);
        Assert.True(hub.TryGetKey("chat:room:watched", out found));
        Assert.Equal(watched, found);
        Assert.False(hub.TryGetKey("chat:room:random", out found));
        Assert.True(found.IsDefault);
        Assert.False(hub.TryGetKey("chat:room:General", out _));

        // A key that never changed is forgotten with its last watcher.
        subscription.Dispose();
        Assert.False(hub.TryGetKey("chat:room:watched", out _));
        Assert.True(hub.TryGetKey("chat:room:general", out _));
    }

    [Fact]
    public void Publish_rejects_versions_without_key_or_below_one()
    {
        var hub = new SignalHub();

        Assert.Throws<ArgumentException>(() => hub.Publish(V(default, 1)));
        Assert.Throws<ArgumentException>(() => hub.Publish(V(General, 0)));
        Assert.Equal(0, hub.Cursor);
    }

    [Fact]
    public async Task Subscription_starts_with_current_versions_after_the_cursor_then_streams_changes()
    {
        var hub = new SignalHub();
        hub.Publish(V(General, 2));
        hub.Publish(V(Random, 7));
        using SignalSubscription subscription = hub.Subscribe([General, Random], after: 5);

        hub.Publish(V(General, 9));

        Assert.Equal([V(Random, 7), V(General, 9)], await ReadAsync(subscription, 2));
    }

    [Fact]
    public async Task Resumed_subscription_never_yields_a_version_at_or_below_its_cursor_even_one_published_late()
    {
        var hub = new SignalHub();
        using SignalSubscription subscription = hub.Subscribe([General, Random], after: 10);

        // The client saw up to cursor 10 on another instance; this instance learns of version 8 only now.
        hub.Publish(V(General, 8));
        hub.Publish(V(Random, 11));

        Assert.Equal([V(Random, 11)], await ReadAsync(subscription, 1));
        Assert.False(subscription.TryRead(out _));
    }

    [Fact]
    public async Task Slow_reader_gets_the_latest_version_per_key_coalesced_in_cursor_order()
    {
        var hub = new SignalHub();
        using SignalSubscription subscription = hub.Subscribe([General, Random]);

        for (int version = 1; version <= 10_000; version++)
        {
            hub.Publish(V(version % 2 == 0 ? General : Random, version));
        }

        Assert.Equal([V(Random, 9_999), V(General, 10_000)], await ReadAsync(subscription, 2));
        Assert.False(subscription.TryRead(out _));
    }

    [Fact]
    public async Task Subscription_never_goes_backwards_for_a_key()
    {
        var hub = new SignalHub();
        using SignalSubscription subscription = hub.Subscribe([General]);
        hub.Publish(V(General, 4));
        Assert.Equal([V(General, 4)], await ReadAsync(subscription, 1));

        // A subscription seeded again (e.g. by a racing subscribe) must not replay an older or equal version.
        subscription.Enqueue(V(General, 3));
        subscription.Enqueue(V(General, 4));

        Assert.False(subscription.TryRead(out _));
    }

    [Fact]
    public async Task A_wake_up_left_by_a_change_already_read_does_not_end_a_wait()
    {
        var hub = new SignalHub();
        using SignalSubscription subscription = hub.Subscribe([General]);
        for (long version = 1; version <= 4; version += 2)
        {
            hub.Publish(V(General, version));
            Assert.True(subscription.TryRead(out _)); // Read without waiting: the change's wake-up is still there.

            // Both waits: the one that always finds a change, and the one the event streams use.
            ValueTask<bool> wait = version == 1
                ? subscription.WaitToReadAsync(TestContext.Current.CancellationToken)
                : subscription.WaitToWakeAsync(TestContext.Current.CancellationToken);
            Assert.False(wait.IsCompleted);

            hub.Publish(V(General, version + 1));
            Assert.True(await wait.AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken));
            Assert.True(subscription.TryRead(out SignalVersion read));
            Assert.Equal(version + 1, read.Version);
        }
    }

    [Fact]
    public void Subscribe_rejects_empty_default_and_too_many_keys()
    {
        var hub = new SignalHub(Microsoft.Extensions.Options.Options.Create(new SignalsOptions { MaxKeysPerSubscription = 2 }));

        Assert.Contains("at least one key", Assert.Throws<ArgumentException>(() => hub.Subscribe([])).Message, StringComparison.Ordinal);
        Assert.Contains("default(SignalKey)", Assert.Throws<ArgumentException>(() => hub.Subscribe([default])).Message, StringComparison.Ordinal);
        ArgumentException tooMany = Assert.Throws<ArgumentException>(() => hub.Subscribe([General, Random, SignalKey.Parse("chat:room:x")]));
        Assert.Contains("at most 2 keys; 3 were given", tooMany.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposed_subscription_ends_its_reader_and_receives_nothing_more()
    {
        var hub = new SignalHub();
        SignalSubscription subscription = hub.Subscribe([General]);
        ValueTask<bool> waiting = subscription.WaitToReadAsync(TestContext.Current.CancellationToken);

        subscription.Dispose();
        hub.Publish(V(General, 1));

        Assert.False(await waiting.AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.False(subscription.TryRead(out _));
    }

    [Fact]
    public async Task Many_subscribers_each_receive_every_key_they_watch()
    {
        var hub = new SignalHub();
        SignalSubscription[] subscriptions = [.. Enumerable.Range(0, 200).Select(_ => hub.Subscribe([General]))];

        Task publisher = Task.Run(() =>
        {
            for (int version = 1; version <= 500; version++)
            {
                hub.Publish(V(General, version));
            }
        }, TestContext.Current.CancellationToken);

        foreach (SignalSubscription subscription in subscriptions)
        {
            long last = 0;
            while (last < 500)
            {
                Assert.True(await subscription.WaitToReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken));
                while (subscription.TryRead(out SignalVersion version))
                {
                    Assert.True(version.Version > last, "versions only go forward");
                    last = version.Version;
                }
            }

            subscription.Dispose();
        }

        await publisher;
    }

    [Fact]
    public void Subscribers_of_one_key_that_come_and_go_between_publishes_get_exactly_the_publishes_made_while_they_watch()
    {
        // Fixed seed: subscribing, disposing (anywhere in the key's subscriber list) and publishing interleave in the same order on every run.
        var random = new System.Random(1842);
        var hub = new SignalHub();
        hub.Publish(V(General, 1));
        List<SignalSubscription> live = [];
        long version = 1;
        for (int step = 0; step < 3000; step++)
        {
            int roll = random.Next(10);
            if (roll < 5)
            {
                // A new subscriber starts with the key's current version.
                SignalSubscription subscription = hub.Subscribe([General]);
                Assert.True(subscription.TryRead(out SignalVersion current));
                Assert.Equal(version, current.Version);
                live.Add(subscription);
            }
            else if (roll < 8 && live.Count > 0)
            {
                int index = random.Next(live.Count);
                live[index].Dispose();
                Assert.False(live[index].TryRead(out _));
                live.RemoveAt(index);
            }
            else
            {
                hub.Publish(V(General, ++version));
                foreach (SignalSubscription subscription in live)
                {
                    Assert.True(subscription.TryRead(out SignalVersion received));
                    Assert.Equal(version, received.Version);
                    Assert.False(subscription.TryRead(out _));
                }
            }

            Assert.Equal(live.Count, hub.GetWatcherCount(General));
        }

        Assert.True(live.Count > 100, $"The walk should hold many subscribers at once; it ended with {live.Count}.");
        live.ForEach(static subscription => subscription.Dispose());
        Assert.Equal(0, hub.GetWatcherCount(General));
    }

    [Fact]
    public async Task WaitForChange_returns_at_once_when_a_known_version_differs()
    {
        var hub = new SignalHub();
        hub.Publish(V(General, 3));

        bool changed = await hub.WaitForChangeAsync(new Dictionary<SignalKey, long> { [General] = 2 }, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.True(changed);
    }

    [Fact]
    public async Task WaitForChange_ends_when_a_watched_key_changes()
    {
        var hub = new SignalHub();
        hub.Publish(V(General, 3));
        var known = new Dictionary<SignalKey, long> { [General] = 3, [Random] = 0 };

        ValueTask<bool> waiting = hub.WaitForChangeAsync(known, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        hub.Publish(V(SignalKey.Parse("chat:room:other"), 4));
        hub.Publish(V(Random, 5));

        Assert.True(await waiting.AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WaitForChange_returns_false_when_the_timeout_elapses()
    {
        var hub = new SignalHub();

        bool changed = await hub.WaitForChangeAsync(new Dictionary<SignalKey, long> { [General] = 0 }, TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);

        Assert.False(changed);
    }

    [Fact]
    public async Task WaitForChange_throws_when_the_caller_cancels()
    {
        var hub = new SignalHub();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => hub.WaitForChangeAsync(new Dictionary<SignalKey, long> { [General] = 0 }, TimeSpan.FromMinutes(1), cancellation.Token).AsTask());
    }

    private static async Task<List<SignalVersion>> ReadAsync(SignalSubscription subscription, int count)
    {
        var read = new List<SignalVersion>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Bound);
        while (read.Count < count && await subscription.WaitToReadAsync(timeout.Token))
        {
            while (read.Count < count && subscription.TryRead(out SignalVersion version))
            {
                read.Add(version);
            }
        }

        return read;
    }
}
