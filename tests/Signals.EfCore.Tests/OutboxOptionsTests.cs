using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Signals.EntityFrameworkCore.Tests.Model;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>Registration and validation of the outbox dispatcher.</summary>
public sealed class OutboxOptionsTests
{
    [Fact]
    public async Task Invalid_options_fail_at_start_up_with_a_clear_message()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddDbContext<ChatDbContext>(o => o.UseInMemoryDatabase(Guid.NewGuid().ToString("N")).UseSignals());
        builder.Services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>(o => o.NotificationChannel = new string('c', 64));
        using IHost host = builder.Build();

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("NotificationChannel", error.Message, StringComparison.Ordinal);
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
