using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;
using Signals.EntityFrameworkCore.PostgreSql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>Registration and validation of the outbox dispatcher.</summary>
public sealed class OutboxOptionsTests
{
    [Theory]
    [InlineData(nameof(SignalsOutboxOptions.PollInterval))]
    [InlineData(nameof(SignalsOutboxOptions.BatchSize))]
    [InlineData(nameof(SignalsOutboxOptions.MaxRetryDelay))]
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
                case nameof(SignalsOutboxOptions.PollInterval): o.PollInterval = TimeSpan.Zero; break;
                case nameof(SignalsOutboxOptions.BatchSize): o.BatchSize = 0; break;
                case nameof(SignalsOutboxOptions.MaxRetryDelay): o.MaxRetryDelay = TimeSpan.FromSeconds(-1); break;
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

    [Theory]
    [InlineData(nameof(SignalsPostgreSqlOptions.NotificationChannel), 64)]
    [InlineData(nameof(SignalsPostgreSqlOptions.NotificationChannel), 0)]
    [InlineData(nameof(SignalsPostgreSqlOptions.ListenerTimeout), 0)]
    public async Task Invalid_PostgreSQL_options_fail_at_start_up_with_a_clear_message(string option, int value)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddDbContext<ChatDbContext>(o => o.UseNpgsql("Host=127.0.0.1;Port=1"));
        builder.Services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>().UsePostgreSql(o =>
        {
            if (option == nameof(SignalsPostgreSqlOptions.NotificationChannel))
            {
                o.NotificationChannel = new string('c', value);
            }
            else
            {
                o.ListenerTimeout = TimeSpan.FromMilliseconds(value);
            }
        });
        using IHost host = builder.Build();

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_bind_from_their_configuration_sections_and_code_runs_after_them()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Signals:Outbox:BatchSize"] = "7",
            ["Signals:Outbox:PollInterval"] = "00:00:02",
            ["Signals:PostgreSql:NotificationChannel"] = "from_config",
            ["Signals:PostgreSql:ListenerTimeout"] = "00:00:09",
            ["Signals:Redis:Configuration"] = "localhost:1",
            ["Signals:Redis:Channel"] = "redis_from_config",
            ["Signals:Mesh:HeartbeatInterval"] = "00:00:03",
            ["Signals:Mesh:RemoveAfter"] = "00:02:00",
        });
        builder.Services.AddSignals()
            .AddEntityFrameworkCoreOutbox<ChatDbContext>(o => o.BatchSize = 8)
            .UsePostgreSql(o => o.UsePollingDispatcher = true)
            .AddRedis();
        using IHost host = builder.Build();
        string name = typeof(ChatDbContext).FullName!;

        SignalsOutboxOptions outbox = host.Services.GetRequiredService<IOptionsMonitor<SignalsOutboxOptions>>().Get(name);
        Assert.Equal(8, outbox.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(2), outbox.PollInterval);
        SignalsPostgreSqlOptions postgres = host.Services.GetRequiredService<IOptionsMonitor<SignalsPostgreSqlOptions>>().Get(name);
        Assert.Equal("from_config", postgres.NotificationChannel);
        Assert.Equal(TimeSpan.FromSeconds(9), postgres.ListenerTimeout);
        Assert.True(postgres.UsePollingDispatcher);
        Signals.Redis.SignalsRedisOptions redis = host.Services.GetRequiredService<IOptionsMonitor<Signals.Redis.SignalsRedisOptions>>().Get(name);
        Assert.Equal("localhost:1", redis.Configuration);
        Assert.Equal("redis_from_config", redis.Channel);
        SignalsMeshOptions mesh = host.Services.GetRequiredService<IOptions<SignalsMeshOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(3), mesh.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), mesh.RemoveAfter);
        Assert.True(mesh.Enabled);
    }

    [Theory]
    [InlineData("Outbox", nameof(SignalsOutboxOptions.BatchSize), "0")]
    [InlineData("Mesh", nameof(SignalsMeshOptions.HeartbeatInterval), "00:00:00")]
    [InlineData("Mesh", nameof(SignalsMeshOptions.RemoveAfter), "00:00:01")]
    [InlineData("PostgreSql", nameof(SignalsPostgreSqlOptions.ListenerTimeout), "00:00:00")]
    [InlineData("PostgreSql", nameof(SignalsPostgreSqlOptions.ReplicationBatchDelay), "-00:00:00.001")]
    [InlineData("PostgreSql", nameof(SignalsPostgreSqlOptions.ReplicationBatchDelay), "00:00:01.001")]
    public async Task A_bad_value_in_configuration_fails_at_start_naming_the_option(string section, string option, string value)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"Signals:{section}:{option}"] = value });
        builder.Services.AddLogging();
        builder.Services.AddDbContext<ChatDbContext>(o => o.UseInMemoryDatabase(Guid.NewGuid().ToString("N")).UseSignals());
        builder.Services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>().UsePostgreSql(o => o.UsePollingDispatcher = true);
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

        // One dispatcher, and the one mesh heartbeat of the app.
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];
        Assert.Equal(2, hosted.Length);
        Assert.Single(hosted.OfType<OutboxDispatcher<ChatDbContext>>());
        Assert.Single(hosted.OfType<MeshHeartbeat<ChatDbContext>>());
        SignalsOutboxOptions options = provider.GetRequiredService<IOptionsMonitor<SignalsOutboxOptions>>().Get(typeof(ChatDbContext).FullName);
        Assert.Equal(10, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(3), options.PollInterval);
    }
}
