using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The mesh heartbeat on the neutral provider (EF Core in-memory, shared by two hosts as one database): instances list each other, one
/// that stops gracefully deletes its row and leaves at once, and invalid options fail at start-up.
/// </summary>
public sealed class MeshHeartbeatTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Instances_list_each_other_and_one_that_stops_leaves_at_the_next_read()
    {
        var root = new InMemoryDatabaseRoot();
        string database = Guid.NewGuid().ToString("N");
        using IHost a = Build(root, database, "node-a", o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(400));
        using IHost b = Build(root, database, "node-b", o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(400));
        await a.StartAsync(Cancel);
        await b.StartAsync(Cancel);
        SignalMesh meshA = a.Services.GetRequiredService<SignalMesh>();
        SignalMesh meshB = b.Services.GetRequiredService<SignalMesh>();

        await WaitUntilAsync(() => meshA.Peers.Any(p => p.InstanceId == "node-b") && meshB.Peers.Any(p => p.InstanceId == "node-a"));
        Assert.Equal("node-a", meshA.Self?.InstanceId);
        SignalPeer b1 = Assert.Single(meshA.Peers);
        Assert.Equal(Environment.MachineName, b1.Host);
        Assert.Contains(b1.Health, new[] { SignalPeerHealth.Healthy, SignalPeerHealth.Degraded });
        Assert.True(b1.LastSeenAt >= b1.StartedAt);

        await b.StopAsync(Cancel);
        DateTimeOffset stopped = DateTimeOffset.UtcNow;
        await WaitUntilAsync(() => meshA.Peers.Count == 0);

        // Gone by its own deletion, at A's next read (every 200 ms), not by the heartbeat's age (800 ms).
        Assert.True(DateTimeOffset.UtcNow - stopped < TimeSpan.FromMilliseconds(800), "the stopped instance left by deleting its row");
        await using AsyncServiceScope scope = a.Services.CreateAsyncScope();
        Assert.Equal(["node-a"], await scope.ServiceProvider.GetRequiredService<ChatDbContext>().Set<SignalInstanceEntry>().Select(e => e.Id).ToListAsync(Cancel));
        await a.StopAsync(Cancel);
    }

    [Fact]
    public async Task Disabled_the_instance_neither_heartbeats_nor_lists_peers()
    {
        var root = new InMemoryDatabaseRoot();
        string database = Guid.NewGuid().ToString("N");
        using IHost a = Build(root, database, "node-a", o => (o.Enabled, o.HeartbeatInterval) = (false, TimeSpan.FromMilliseconds(100)));
        await a.StartAsync(Cancel);

        await Task.Delay(300, Cancel);

        Assert.Null(a.Services.GetRequiredService<SignalMesh>().Self);
        await using AsyncServiceScope scope = a.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<ChatDbContext>().Set<SignalInstanceEntry>().ToListAsync(Cancel));
        await a.StopAsync(Cancel);
    }

    [Theory]
    [InlineData(0, 600_000, nameof(SignalsMeshOptions.HeartbeatInterval))]
    [InlineData(-1_000, 600_000, nameof(SignalsMeshOptions.HeartbeatInterval))]
    [InlineData(5_000, 0, nameof(SignalsMeshOptions.RemoveAfter))]
    [InlineData(5_000, 10_000, nameof(SignalsMeshOptions.RemoveAfter))]
    public async Task Invalid_options_fail_at_start_up_naming_the_option(int heartbeatMs, int removeAfterMs, string option)
    {
        using IHost host = Build(new InMemoryDatabaseRoot(), "invalid", "node-a", o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeatMs);
            o.RemoveAfter = TimeSpan.FromMilliseconds(removeAfterMs);
        });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Cancel));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(InMemoryDatabaseRoot root, string database, string instanceId, Action<SignalsMeshOptions> mesh)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddDbContext<ChatDbContext>(o => o.UseInMemoryDatabase(database, root).UseSignals());
        builder.Services.AddSignals(o => o.InstanceId = instanceId)
            .AddEntityFrameworkCoreOutbox<ChatDbContext>(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        builder.Services.Configure(mesh);
        return builder.Build();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using CancellationTokenSource timeout = TestDeadline.Start();
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
