using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Signals.Runtime.Tests.Namespaces;

/// <summary>Mapping namespaces to stores: in code and in configuration, and the start-up errors of bad mappings.</summary>
public class NamespaceMappingTests
{
    private static readonly SignalKey Typing = SignalKey.Parse("presence:typing:general");
    private static readonly SignalKey Room = SignalKey.Parse("chat:room:general");

    [Fact]
    public async Task A_namespace_mapped_in_code_goes_to_the_in_memory_store_and_others_to_the_app_store()
    {
        using IHost host = await StartAsync(signals => signals.MapNamespace("presence", ns => ns.UseInMemory()));
        var store = host.Services.GetRequiredService<ISignalStore>();
        SignalHub hub = host.Services.GetRequiredService<SignalHub>();

        IReadOnlyList<SignalVersion> versions = await store.InvalidateAsync([Room, Typing], TestContext.Current.CancellationToken);

        SignalVersion room = versions.Single(v => v.Key == Room);
        SignalVersion typing = versions.Single(v => v.Key == Typing);
        Assert.Equal(1, room.Version);
        Assert.Equal(1, hub.Cursor); // the local version did not move the cursor
        Assert.InRange(typing.Version, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds() * 1000, long.MaxValue);
        Assert.Equal(typing, await hub.GetVersionAsync(Typing, TestContext.Current.CancellationToken));
        Assert.True(hub.IsLocal(Typing));
        Assert.False(hub.IsLocal(Room));
    }

    [Fact]
    public async Task A_namespace_mapped_in_configuration_is_mapped_as_in_code()
    {
        using IHost host = await StartAsync(configuration: new() { ["Signals:Namespaces:presence:Store"] = "InMemory" });

        Assert.True(host.Services.GetRequiredService<SignalHub>().IsLocal(Typing));
        Assert.Equal(
            SignalNamespaceStore.InMemory,
            host.Services.GetRequiredService<IOptions<SignalNamespacesOptions>>().Value.Namespaces["presence"].Store);
    }

    [Fact]
    public async Task Without_a_mapping_the_stores_are_the_in_memory_store_itself()
    {
        using IHost host = await StartAsync();

        Assert.IsType<InMemorySignalStore>(host.Services.GetRequiredService<ISignalStore>());
        Assert.IsType<InMemorySignalStore>(host.Services.GetRequiredService<ISignalValueStore>());
        Assert.False(host.Services.GetRequiredService<SignalHub>().IsLocal(Typing));
    }

    [Fact]
    public async Task A_namespace_no_signal_declares_fails_at_start_naming_it_and_the_declared_ones()
    {
        string error = await StartFailureAsync(signals => signals.MapNamespace("presense", ns => ns.UseInMemory()));

        Assert.Contains("'presense'", error, StringComparison.Ordinal);
        Assert.Contains("declared: chat, presence", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_mapped_twice_fails_at_start()
    {
        string error = await StartFailureAsync(signals => signals.MapNamespace("presence", ns => ns.UseInMemory()).MapNamespace("presence", ns => ns.UseInMemory()));

        Assert.Contains("'presence' is mapped twice", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_mapped_in_configuration_and_in_code_fails_at_start()
    {
        string error = await StartFailureAsync(
            signals => signals.MapNamespace("presence", ns => ns.UseInMemory()), new() { ["Signals:Namespaces:presence:Store"] = "InMemory" });

        Assert.Contains("'presence' is mapped twice", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mapping_without_a_store_fails_at_start()
    {
        string error = await StartFailureAsync(signals => signals.MapNamespace("presence", _ => { }));

        Assert.Contains("Signals:Namespaces:presence:Store is not set", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pres:ence")]
    [InlineData("prés")]
    [InlineData("a b")]
    public void An_invalid_name_is_refused_at_the_call(string name)
    {
        var services = new ServiceCollection();
        ISignalsBuilder signals = services.AddSignals();
        int registrations = services.Count;

        ArgumentException error = Assert.Throws<ArgumentException>(() => signals.MapNamespace(name, ns => ns.UseInMemory()));

        Assert.Equal("name", error.ParamName);
        Assert.Equal(registrations, services.Count);
    }

    [Fact]
    public async Task An_invalid_name_in_configuration_fails_at_start()
    {
        string error = await StartFailureAsync(configuration: new() { ["Signals:Namespaces:pres ence:Store"] = "InMemory" });

        Assert.Contains("'pres ence' is not a namespace", error, StringComparison.Ordinal);
    }

    /// <summary>Starts a host whose Signals options must fail validation at start, and returns the failure's message.</summary>
    private static async Task<string> StartFailureAsync(Action<ISignalsBuilder>? map = null, Dictionary<string, string?>? configuration = null)
        => (await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(map, configuration))).Message;

    private static async Task<IHost> StartAsync(Action<ISignalsBuilder>? map = null, Dictionary<string, string?>? configuration = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration ?? []);
        builder.Services.AddSingleton(new SignalCatalog([
            new SignalDescriptor("chat:room:{RoomId}", "Tests.Room", SignalKind.Family),
            new SignalDescriptor("presence:typing:{RoomId}", "Tests.Typing", SignalKind.Family),
        ]));
        ISignalsBuilder signals = builder.Services.AddSignals();
        map?.Invoke(signals);
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
