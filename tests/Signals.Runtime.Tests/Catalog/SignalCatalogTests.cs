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

    [Fact]
    public void Accepts_names_the_signal_that_produces_a_key_and_otherwise_why_not()
    {
        var status = new SignalPlaceholder("Status", SignalPlaceholderKind.Enum, "Shop.OrderStatus", enumMembers: ["Pending", "Paid"]);
        var id = new SignalPlaceholder("Id", SignalPlaceholderKind.Integer, "System.Int32");
        var shop = new SignalCatalog(
        [
            new SignalDescriptor("shop:status:{Status}", "Shop.Order", SignalKind.Family, [status]),
            new SignalDescriptor("shop:status:{Id}", "Shop.Legacy", SignalKind.Family, [id]),
            new SignalDescriptor("shop:settings", "Shop.Settings", SignalKind.Value),
        ]);

        // A key another template of the same shape produces is accepted by that one.
        Assert.True(shop.Accepts(SignalKey.Parse("shop:status:Paid"), out SignalDescriptor? descriptor, out string? error), error);
        Assert.Equal("Shop.Order", descriptor?.ClrType);
        Assert.True(shop.Accepts(SignalKey.Parse("shop:status:42"), out descriptor, out error), error);
        Assert.Equal("Shop.Legacy", descriptor?.ClrType);
        Assert.True(shop.Accepts(SignalKey.Parse("shop:settings"), out descriptor, out error), error);
        Assert.Equal(SignalKind.Value, descriptor?.Kind);

        // None produces it: the first matching template (in catalog order) says why.
        Assert.False(shop.Accepts(SignalKey.Parse("shop:status:paid"), out descriptor, out error));
        Assert.Equal("shop:status:{Id}", descriptor?.Pattern);
        Assert.StartsWith("'paid' is not an Int32: expected an integer from -2147483648 to 2147483647", error, StringComparison.Ordinal);
        Assert.EndsWith("(placeholder {Id} of 'shop:status:{Id}').", error, StringComparison.Ordinal);
        Assert.False(shop.Accepts(SignalKey.Parse("shop:status:paid")));

        Assert.False(shop.Accepts(SignalKey.Parse("shop:orders"), out descriptor, out error));
        Assert.Null(descriptor);
        Assert.Equal("'shop:orders' matches no declared signal.", error);

        Assert.True(new SignalCatalog([]).Accepts(SignalKey.Parse("shop:status:paid"), out descriptor, out error));
        Assert.Null(descriptor);
        Assert.Null(error);
    }

    [Fact]
    public void A_value_type_checks_json_as_its_typed_reader_reads_it_and_is_part_of_equality()
    {
        SignalValueType type = SignalValueType.Create<Theme>();
        using var good = System.Text.Json.JsonDocument.Parse("""{"mode":"light","fontSize":12}""");
        using var bad = System.Text.Json.JsonDocument.Parse("\"hello\"");

        Assert.Equal(typeof(Theme), type.Type);
        Assert.Equal(System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object, type.JsonTypeInfo.Kind);
        Assert.Equal(["mode", "fontSize"], type.JsonTypeInfo.Properties.Select(p => p.Name));
        Assert.True(type.Accepts(good.RootElement, out string? error), error);
        Assert.False(type.Accepts(bad.RootElement, out error));
        Assert.StartsWith($"The JSON value could not be converted to {typeof(Theme).FullName}. Path: $", error, StringComparison.Ordinal);

        var plain = new SignalDescriptor("app:theme", "App.Theme", SignalKind.Value);
        SignalDescriptor typed = plain with { ValueType = type };
        Assert.NotEqual(plain, typed);
        Assert.Equal(typed, plain with { ValueType = SignalValueType.Create<Theme>() });
        Assert.Contains($"ValueType = {typeof(Theme).FullName}", typed.ToString(), StringComparison.Ordinal);
    }

    private sealed record Theme(string Mode = "dark", int FontSize = 14);
}
