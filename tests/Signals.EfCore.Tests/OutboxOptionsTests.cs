using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Signals.EntityFrameworkCore.Tests.Model;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>Registration and validation of the outbox dispatcher.</summary>
public sealed class OutboxOptionsTests
{
    [Theory]
    [InlineData(nameof(SignalsOutboxOptions.NotificationChannel))]
    [InlineData(nameof(SignalsOutboxOptions.GapTimeout))]
    [InlineData(nameof(SignalsOutboxOptions.RetentionPeriod))]
    [InlineData(nameof(SignalsOutboxOptions.CleanupInterval))]
    [InlineData(nameof(SignalsOutboxOptions.CleanupBatchSize))]
    public async Task Invalid_options_fail_at_start_up_with_a_clear_message(string option)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddDbContext<ChatDbContext>(o => o.UseInMemoryDatabase(Guid.NewGuid().ToString("N")).UseSignals());
        builder.Services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>(o =>
        {
            switch (option)
            {
                case nameof(SignalsOutboxOptions.NotificationChannel): o.NotificationChannel = new string('c', 64); break;
                case nameof(SignalsOutboxOptions.GapTimeout): o.GapTimeout = TimeSpan.Zero; break;
                case nameof(SignalsOutboxOptions.RetentionPeriod): o.RetentionPeriod = TimeSpan.FromSeconds(-2); break;
                case nameof(SignalsOutboxOptions.CleanupInterval): o.CleanupInterval = TimeSpan.Zero; break;
                default: o.CleanupBatchSize = 0; break;
            }
        });
        using IHost host = builder.Build();

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_EF_Core_stores_replace_the_in_memory_ones_and_a_store_registered_later_wins()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>();
        using (IHost host = builder.Build())
        {
            Assert.IsType<EfCoreSignalStore<ChatDbContext>>(host.Services.GetRequiredService<ISignalValueStore>());
            Assert.Same(host.Services.GetRequiredService<ISignalValueStore>(), host.Services.GetRequiredService<ISignalStore>());
        }

        HostApplicationBuilder later = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        later.Services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>();
        later.Services.AddSingleton<ISignalValueStore>(static sp => sp.GetRequiredService<InMemorySignalStore>());
        using IHost replaced = later.Build();
        Assert.IsType<InMemorySignalStore>(replaced.Services.GetRequiredService<ISignalValueStore>());
    }

    [Fact]
    public void Registering_twice_adds_one_dispatcher_and_applies_both_configurations()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        IServiceCollection services = builder.Services;
        services.AddLogging();
        services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>(o => o.BatchSize = 10);
        services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>(o => o.PollInterval = TimeSpan.FromSeconds(3));
        using IHost host = builder.Build();
        IServiceProvider provider = host.Services;

        Assert.Single(provider.GetServices<IHostedService>());
        SignalsOutboxOptions options = provider.GetRequiredService<IOptionsMonitor<SignalsOutboxOptions>>().Get(typeof(ChatDbContext).FullName);
        Assert.Equal(10, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(3), options.PollInterval);
    }
}
