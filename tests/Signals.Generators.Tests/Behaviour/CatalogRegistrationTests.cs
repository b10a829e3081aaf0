using Microsoft.Extensions.DependencyInjection;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>The generated module initializer registers the assembly's signals with <see cref="SignalCatalog"/>; <c>AddSignals()</c> serves them.</summary>
public class CatalogRegistrationTests
{
    [Fact]
    public void Using_the_assembly_registers_every_signal_it_declares()
    {
        _ = ProbeAssembly.Call<SignalKey>("RoomKey", ProbeAssembly.Create("Probe.RoomId", Guid.Empty)); // runs the module initializer

        SignalDescriptor[] probe = [.. SignalCatalog.Registered.Descriptors.Where(d => d.Namespace == "probe")];

        // Wrappers are described by what they hold: RoomId by its Guid, UserId (a reference type, so nullable) by its string.
        var roomId = new SignalPlaceholder("RoomId", SignalPlaceholderKind.Guid, "System.Guid");
        Assert.Equal(
            [
                new SignalDescriptor("probe:author:{AuthorId}:room:{RoomId}", "Probe.ChatMessage", SignalKind.Family,
                    [new SignalPlaceholder("AuthorId", SignalPlaceholderKind.String, "System.String", isNullable: true), roomId]),
                new SignalDescriptor("probe:chat-message", "Probe.ChatMessage", SignalKind.Signal),
                new SignalDescriptor("probe:room:{RoomId}", "Probe.ChatMessage", SignalKind.Family, [roomId]),
                new SignalDescriptor("probe:theme", "Probe.Theme", SignalKind.Value),
                new SignalDescriptor("probe:thread:{ThreadId}", "Probe.ChatMessage", SignalKind.Family,
                    [new SignalPlaceholder("ThreadId", SignalPlaceholderKind.Guid, "System.Guid", isNullable: true)]),
                new SignalDescriptor("probe:timezone:{RoomId}", "Probe.RoomTimezone", SignalKind.Value,
                    [new SignalPlaceholder("RoomId", SignalPlaceholderKind.String, "System.String")]),
            ],
            probe);
    }

    [Fact]
    public void AddSignals_serves_the_registered_catalog()
    {
        SignalKey room = ProbeAssembly.Call<SignalKey>("RoomKey", ProbeAssembly.Create("Probe.RoomId", Guid.Empty));
        using ServiceProvider services = new ServiceCollection().AddSignals().Services.BuildServiceProvider();

        SignalCatalog catalog = services.GetRequiredService<SignalCatalog>();

        Assert.Equal("probe:room:{RoomId}", catalog.Find(room)?.Pattern);
        Assert.Equal(SignalKind.Value, catalog.Find(SignalKey.Parse("probe:timezone:lobby"))?.Kind);
        Assert.Null(catalog.Find(SignalKey.Parse("probe:undeclared")));
    }
}
