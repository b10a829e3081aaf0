using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Signals.Runtime.Tests.Namespaces;

/// <summary>
/// Keys of an instance-local namespace in the hub: a version line of their own that leaves the persisted keys' cursors alone, resumed
/// subscriptions that start with their current state, and a bounded hub that holds them without reading the database.
/// </summary>
public class InstanceLocalKeyTests
{
    private static readonly SignalKey Typing = SignalKey.Parse("presence:typing:general");
    private static readonly SignalKey Room = SignalKey.Parse("chat:room:general");
    private static readonly DateTimeOffset Noon = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Local_versions_follow_the_clock_in_microseconds_and_still_increase_when_it_stands_still()
    {
        var (_, _, _, local) = PresenceSetup.Create(new FixedClock(Noon));

        IReadOnlyList<SignalVersion> first = await local.InvalidateAsync([Typing], TestContext.Current.CancellationToken);
        IReadOnlyList<SignalVersion> second = await local.InvalidateAsync([Typing], TestContext.Current.CancellationToken);
        SignalValue<JsonElement> value = await local.SetAsync(Typing, JsonSerializer.SerializeToElement(new { typing = true }), TestContext.Current.CancellationToken);

        long micros = Noon.ToUnixTimeMilliseconds() * 1000;
        Assert.Equal(micros, first[0].Version);
        Assert.Equal(micros + 1, second[0].Version);
        Assert.Equal(micros + 2, value.Version);
        Assert.True(micros + 2 < 1L << 53, "A local version must stay exact in JavaScript.");
    }

    [Fact]
    public async Task A_local_change_moves_neither_the_cursor_nor_the_settled_cursor_nor_a_resume_cursor()
    {
        var (_, hub, persisted, local) = PresenceSetup.Create();
        await persisted.InvalidateAsync([Room], TestContext.Current.CancellationToken);
        using SignalSubscription subscription = hub.Subscribe([Room, Typing]);
        Assert.True(subscription.TryRead(out SignalVersion room));

        await local.InvalidateAsync([Typing], TestContext.Current.CancellationToken);

        Assert.True(subscription.TryRead(out SignalVersion typing));
        Assert.Equal(Typing, typing.Key);
        Assert.Equal(1, hub.Cursor);
        Assert.Equal(1, hub.SettledCursor);
        Assert.Equal(room.Version, subscription.ResumeCursor);
        Assert.True(await hub.WaitForSettledAsync(room.Version, TimeSpan.Zero, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_subscription_resumed_after_any_cursor_starts_with_the_local_keys_current_state()
    {
        var (_, hub, persisted, local) = PresenceSetup.Create();
        await persisted.InvalidateAsync([Room], TestContext.Current.CancellationToken);
        SignalVersion typing = (await local.InvalidateAsync([Typing], TestContext.Current.CancellationToken))[0];

        using SignalSubscription resumed = hub.Subscribe([Room, Typing], after: hub.Cursor);

        Assert.True(resumed.TryRead(out SignalVersion first));
        Assert.Equal(typing, first);
        Assert.False(resumed.TryRead(out _)); // the persisted key is at the cursor: nothing to repeat
        Assert.Equal(0, resumed.ResumeCursor);
    }

    [Fact]
    public async Task A_bounded_hub_holds_local_keys_without_reading_the_database_and_keeps_them_when_unwatched()
    {
        var database = new CountingSource();
        var (_, hub, _, local) = PresenceSetup.Create(database: database, maxCachedKeys: 1);

        SignalVersion published = (await local.InvalidateAsync([Typing], TestContext.Current.CancellationToken))[0];
        using (SignalSubscription watching = await hub.SubscribeAsync([Typing], cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.True(watching.TryRead(out SignalVersion seen));
            Assert.Equal(published, seen);
        }

        // Unwatched, and other keys pass through the one-key cache: the local key stays, and is never read from the database.
        _ = await hub.GetVersionsAsync([Room, SignalKey.Parse("chat:room:other")], TestContext.Current.CancellationToken);
        SignalVersion[] versions = await hub.GetVersionsAsync([Typing, Typing], TestContext.Current.CancellationToken);

        Assert.Equal([published, published], versions);
        Assert.DoesNotContain(database.Asked, k => k == Typing);
        Assert.Equal(0, hub.Cursor);
    }

    [Fact]
    public async Task The_router_keeps_values_of_the_two_stores_apart()
    {
        var (namespaces, hub, persisted, local) = PresenceSetup.Create();
        var router = new SignalStoreRouter(new(persisted, persisted), local, FrozenDictionary<string, SignalStoreRouter.Target>.Empty, namespaces);
        JsonElement yes = JsonSerializer.SerializeToElement(new { typing = true });

        await router.SetAsync(Typing, yes, TestContext.Current.CancellationToken);
        await router.SetAsync(Room, yes, TestContext.Current.CancellationToken);

        Assert.NotNull(await local.GetAsync(Typing, TestContext.Current.CancellationToken));
        Assert.Null(await local.GetAsync(Room, TestContext.Current.CancellationToken));
        Assert.NotNull(await persisted.GetAsync(Room, TestContext.Current.CancellationToken));
        Assert.Null(await persisted.GetAsync(Typing, TestContext.Current.CancellationToken));
        Assert.Equal(1, hub.Cursor);

        Assert.True(await router.DeleteAsync(Typing, TestContext.Current.CancellationToken));
        Assert.Null(await router.GetAsync(Typing, TestContext.Current.CancellationToken));
        Assert.NotNull(await router.GetAsync(Room, TestContext.Current.CancellationToken));
        Assert.Equal(1, hub.Cursor);
    }

    /// <summary>A hub with the <c>presence</c> namespace mapped to the in-memory store, the app's store and the namespace's own.</summary>
    /// <param name="Namespaces">The mapping.</param>
    /// <param name="Hub">The hub both stores publish into.</param>
    /// <param name="Persisted">The app's store (a stand-in for the database's).</param>
    /// <param name="Local">The namespace's instance-local store.</param>
    private sealed record PresenceSetup(SignalNamespaces Namespaces, SignalHub Hub, InMemorySignalStore Persisted, InMemorySignalStore Local)
    {
        /// <param name="clock">The stores' clock; the system's by default.</param>
        /// <param name="database">The database behind a bounded hub, or <see langword="null"/> for a hub that holds every key.</param>
        /// <param name="maxCachedKeys">The bounded hub's cache size; the default option's when <see langword="null"/>.</param>
        public static PresenceSetup Create(TimeProvider? clock = null, ISignalVersionSource? database = null, int? maxCachedKeys = null)
        {
            var options = new SignalNamespacesOptions();
            options.Namespaces["presence"] = new SignalNamespaceOptions { Store = SignalNamespaceStore.InMemory };
            var namespaces = SignalNamespaces.From(options);
            SignalHubOptions hubOptions = maxCachedKeys is { } bound ? new() { MaxCachedKeys = bound } : new();
            var hub = new SignalHub(Options.Create(new SignalsOptions()), Options.Create(hubOptions), database, metrics: null, namespaces);
            clock ??= TimeProvider.System;
            return new(namespaces, hub, new InMemorySignalStore(hub, clock), new InMemorySignalStore(hub, clock, namespaces));
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Stands in for the database behind a bounded hub: answers "never changed" and records every key asked for.</summary>
    private sealed class CountingSource : ISignalVersionSource
    {
        private readonly List<SignalKey> _asked = [];

        public IReadOnlyList<SignalKey> Asked
        {
            get
            {
                lock (_asked)
                {
                    return [.. _asked];
                }
            }
        }

        public bool PublishesChanges => true;

        public TimeSpan PollInterval => TimeSpan.FromSeconds(1);

        public Task<IReadOnlyList<SignalVersion>> ReadVersionsAsync(IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken)
        {
            lock (_asked)
            {
                _asked.AddRange(keys);
            }

            return Task.FromResult<IReadOnlyList<SignalVersion>>([]);
        }
    }
}
