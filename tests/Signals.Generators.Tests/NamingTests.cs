using System.Text.Json;
using Signals.Generators.Parsing;

namespace Signals.Generators.Tests;

/// <summary>Name derivation rules the generated keys and factories depend on.</summary>
public class NamingTests
{
    [Theory]
    [InlineData("ChatMessage", "chat-message")]
    [InlineData("HTTPServer", "http-server")]
    [InlineData("Room2", "room2")]
    [InlineData("Room2Message", "room2-message")]
    [InlineData("IOStream", "io-stream")]
    [InlineData("A", "a")]
    [InlineData("ABC", "abc")]
    [InlineData("userProfile", "user-profile")]
    [InlineData("Chat_Message", "chat_message")]
    public void Kebab_case_of_type_names(string name, string expected)
        => Assert.Equal(expected, Naming.ToKebabCase(name));

    [Theory]
    [InlineData("RoomId", "roomId")]
    [InlineData("ID", "id")]
    [InlineData("URLPath", "urlPath")]
    [InlineData("roomId", "roomId")]
    [InlineData("X", "x")]
    [InlineData("_Id", "_Id")]
    [InlineData("IOStream", "ioStream")]
    [InlineData("Ärger", "ärger")]
    public void Camel_case_of_property_names_matches_the_json_web_naming_policy(string name, string expected)
    {
        Assert.Equal(expected, Naming.ToCamelCase(name));
        Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(name), Naming.ToCamelCase(name));
    }

    [Fact]
    public void Well_known_type_names_match_the_runtime_types()
    {
        Assert.Equal(WellKnownTypeNames.SignalAttribute, typeof(SignalAttribute).FullName);
        Assert.Equal(WellKnownTypeNames.SignalFamilyAttribute, typeof(SignalFamilyAttribute).FullName);
        Assert.Equal(WellKnownTypeNames.SignalSource, typeof(ISignalSource).FullName);
        Assert.Equal(WellKnownTypeNames.SignalNamespaceAttribute, typeof(SignalNamespaceAttribute).FullName);
        Assert.Equal(WellKnownTypeNames.SignalValueAttribute, typeof(SignalValueAttribute).FullName);
        Assert.Equal(WellKnownTypeNames.JsonPropertyNameAttribute, typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute).FullName);
        Assert.Equal(WellKnownTypeNames.JsonIgnoreAttribute, typeof(System.Text.Json.Serialization.JsonIgnoreAttribute).FullName);
        Assert.Equal(WellKnownTypeNames.Guid, typeof(Guid).FullName);
        Assert.Equal(WellKnownTypeNames.DateOnly, typeof(DateOnly).FullName);
        Assert.Equal(WellKnownTypeNames.DateTimeOffset, typeof(DateTimeOffset).FullName);
        Assert.Equal(WellKnownTypeNames.Int128, typeof(Int128).FullName);
        Assert.Equal(WellKnownTypeNames.UInt128, typeof(UInt128).FullName);
        Assert.Equal(WellKnownTypeNames.SignalsClient, typeof(Signals.Client.ISignalsClient).FullName);
    }
}
