using System.Text.Json;

namespace Signals.Runtime.Tests.Stores;

/// <summary>
/// The in-memory store stages the computed keys of what it writes (registered in <see cref="SignalCatalog.Registered"/>, as generated
/// code does; the namespaces are this test's own, so no other test's keys move).
/// </summary>
public class InMemoryComputedSignalTests
{
    private static readonly SignalKey Order = SignalKey.Parse("memcomputed-orders:tenant:7");
    private static readonly SignalKey Banner = SignalKey.Parse("memcomputed-banner:tenant:7");
    private static readonly SignalKey Dashboard = SignalKey.Parse("memcomputed-dashboard:tenant:7");

    static InMemoryComputedSignalTests()
        => SignalCatalog.Register(
        [
            new SignalDescriptor("memcomputed-orders:tenant:{TenantId}", "Tests.Order", SignalKind.Family),
            new SignalDescriptor("memcomputed-banner:tenant:{TenantId}", "Tests.Banner", SignalKind.Value),
            new SignalDescriptor("memcomputed-dashboard:tenant:{TenantId}", "Tests.Dashboard", SignalKind.Computed)
            {
                Inputs = ["memcomputed-orders:tenant:{TenantId}", "memcomputed-banner:tenant:{TenantId}"],
            },
        ]);

    [Fact]
    public async Task Invalidate_returns_the_given_keys_and_publishes_their_computed_keys_after_them()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        using SignalSubscription subscription = hub.Subscribe([Dashboard]);

        IReadOnlyList<SignalVersion> versions = await store.InvalidateAsync([Order], TestContext.Current.CancellationToken);

        Assert.Equal([Order], versions.Select(v => v.Key));
        Assert.True(subscription.TryRead(out SignalVersion dashboard));
        Assert.Equal(new SignalVersion(Dashboard, versions[0].Version + 1, null, versions[0].UpdatedAt), dashboard);
    }

    [Fact]
    public async Task A_value_write_moves_the_computed_key_and_an_equal_value_does_not()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        using SignalSubscription subscription = hub.Subscribe([Dashboard]);
        JsonElement value = JsonSerializer.SerializeToElement(new { text = "maintenance" });

        SignalValue<JsonElement> set = await store.SetAsync(Banner, value, TestContext.Current.CancellationToken);
        Assert.True(subscription.TryRead(out SignalVersion first));
        Assert.Equal(set.Version + 1, first.Version);

        await store.SetAsync(Banner, value, TestContext.Current.CancellationToken);
        Assert.False(subscription.TryRead(out _));

        Assert.True(await store.DeleteAsync(Banner, TestContext.Current.CancellationToken));
        Assert.True(subscription.TryRead(out SignalVersion afterDelete));
        Assert.Equal(set.Version + 3, afterDelete.Version); // the delete's version, then the dashboard's
        Assert.Equal(set.Version + 3, hub.Cursor);
    }
}
