using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Signals.Runtime.Tests.Stores;

public class InMemorySignalStoreTests
{
    private static readonly SignalKey General = SignalKey.Parse("chat:room:general");
    private static readonly SignalKey Random = SignalKey.Parse("chat:room:random");

    [Fact]
    public async Task Invalidate_assigns_new_versions_once_per_key_and_publishes_them()
    {
        var hub = new SignalHub();
        var clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero));
        var store = new InMemorySignalStore(hub, clock);
        using SignalSubscription subscription = hub.Subscribe([General, Random]);

        IReadOnlyList<SignalVersion> first = await store.InvalidateAsync([General, Random, General], TestContext.Current.CancellationToken);
        IReadOnlyList<SignalVersion> second = await store.InvalidateAsync([General], TestContext.Current.CancellationToken);

        Assert.Equal([new(General, 1, null, clock.GetUtcNow()), new(Random, 2, null, clock.GetUtcNow())], first);
        Assert.Equal([new(General, 3, null, clock.GetUtcNow())], second);
        Assert.Equal(3, hub.Cursor);
        Assert.True(subscription.TryRead(out SignalVersion seen));
        Assert.Equal(Random, seen.Key);
    }

    [Fact]
    public async Task Invalidate_rejects_a_default_key_and_changes_nothing()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(() => store.InvalidateAsync([General, default], TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(0, hub.Cursor);
    }

    [Fact]
    public void AddSignals_registers_hub_and_store_once_and_validates_options()
    {
        ServiceCollection services = NewServices();
        services.AddSignals();
        services.AddSignals(o => o.InstanceId = "app-1");

        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(SignalHub));
        Assert.IsType<InMemorySignalStore>(provider.GetRequiredService<ISignalStore>());
        Assert.Equal("app-1", provider.GetRequiredService<IOptions<SignalsOptions>>().Value.InstanceId);
    }

    [Fact]
    public void AddSignals_rejects_invalid_options()
    {
        ServiceCollection services = NewServices();
        services.AddSignals(o => o.MaxKeysPerSubscription = 0);
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IOptions<SignalsOptions>>().Value);

        Assert.Contains("MaxKeysPerSubscription must be at least 1", error.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection NewServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        return services;
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
