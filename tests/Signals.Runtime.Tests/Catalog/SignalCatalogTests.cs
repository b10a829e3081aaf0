namespace Signals.Runtime.Tests.Catalog;

public class SignalCatalogTests
{
    private static readonly SignalCatalog Chat = new(
    [
        new SignalDescriptor("chat:room:{RoomId}", "Chat.ChatMessage", SignalKind.Family),
        new SignalDescriptor("chat:rooms", "Chat.Room", SignalKind.Signal),
        new SignalDescriptor("chat:room:{RoomId}", "Chat.ChatMessage", SignalKind.Family),
        new SignalDescriptor("app:theme", "App.Theme", SignalKind.Value),
        new SignalDescriptor("room:{RoomId}", "Other.Room", SignalKind.Family),
    ]);

    [Fact]
    public void Descriptors_are_sorted_by_pattern_and_kept_once()
        => Assert.Equal(["app:theme", "chat:room:{RoomId}", "chat:rooms", "room:{RoomId}"], Chat.Descriptors.Select(d => d.Pattern));

    [Fact]
    public void Namespace_is_the_patterns_first_segment()
    {
        Assert.Equal("chat", Chat.Descriptors[1].Namespace);
        Assert.Equal("app", new SignalDescriptor("app", "App.Flag", SignalKind.Signal).Namespace);
    }

    [Theory]
    [InlineData("chat:rooms", "chat:rooms")]
    [InlineData("chat:room:general", "chat:room:{RoomId}")]
    [InlineData("app:theme", "app:theme")]
    [InlineData("room:general", "room:{RoomId}")]
    public void Find_returns_the_fixed_signal_or_the_matching_template(string key, string pattern)
        => Assert.Equal(pattern, Chat.Find(SignalKey.Parse(key))?.Pattern);

    [Theory]
    [InlineData("chat:room")]
    [InlineData("chat:room:general:extra")]
    [InlineData("app:theme:dark")]
    [InlineData("other:room:general")]
    public void Find_returns_null_for_keys_of_no_declared_signal(string key)
    {
        Assert.Null(Chat.Find(SignalKey.Parse(key)));
        Assert.False(Chat.Accepts(SignalKey.Parse(key)));
    }

    [Fact]
    public void An_escaped_argument_is_one_segment_and_cannot_reach_another_pattern()
    {
        SignalKey key = SignalKey.Create("chat:room", "a:b");

        Assert.Equal("chat:room:a%3Ab", key.Value);
        Assert.Equal("chat:room:{RoomId}", Chat.Find(key)?.Pattern);
    }

    [Fact]
    public void An_empty_catalog_accepts_every_well_formed_key()
        => Assert.True(new SignalCatalog([]).Accepts(SignalKey.Parse("anything:at:all")));

    [Fact]
    public void Registered_is_one_live_instance_that_sees_assemblies_registered_later()
    {
        SignalCatalog registered = SignalCatalog.Registered;
        SignalKey key = SignalKey.Parse("late-probe:item:1");
        Assert.Null(registered.Find(key));

        SignalCatalog.Register([new SignalDescriptor("late-probe:item:{Id}", "Probe.Item", SignalKind.Family)]);

        Assert.Same(registered, SignalCatalog.Registered);
        Assert.Equal("late-probe:item:{Id}", registered.Find(key)?.Pattern);
    }
}
