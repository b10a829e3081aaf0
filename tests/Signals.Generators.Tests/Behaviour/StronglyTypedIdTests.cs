namespace Signals.Generators.Tests.Behaviour;

/// <summary>Single-value wrappers (strongly typed ids) as placeholders: formatted by the value they hold, from current and original values.</summary>
public class StronglyTypedIdTests
{
    private const string General = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private const string Random = "6f9619ff-8b86-d011-b42d-00c04fc964ff";

    [Fact]
    public void Struct_wrapper_is_formatted_by_its_value()
        => Assert.Equal($"probe:room:{General}", ProbeAssembly.Call<SignalKey>("RoomKey", Room(General)).Value);

    [Fact]
    public void Reference_wrapper_value_is_escaped_like_any_argument()
        => Assert.Equal(
            $"probe:author:a%3Ab%25:room:{General}",
            ProbeAssembly.Call<SignalKey>("AuthorRoomKey", ProbeAssembly.Create("Probe.UserId", "a:b%"), Room(General)).Value);

    [Fact]
    public void Null_reference_wrapper_is_rejected_with_the_parameter_name()
    {
        ArgumentNullException exception = Assert.Throws<ArgumentNullException>(() => ProbeAssembly.Call<SignalKey>("AuthorRoomKey", null, Room(General)));

        Assert.Equal("authorId", exception.ParamName);
    }

    [Fact]
    public void Moving_a_message_gives_the_keys_of_its_original_and_current_values()
    {
        object author = ProbeAssembly.Create("Probe.UserId", "ann");
        var original = new DictionaryValueReader(new Dictionary<string, object?> { ["RoomId"] = Room(General), ["AuthorId"] = author, ["ThreadId"] = null });
        var current = new DictionaryValueReader(new Dictionary<string, object?> { ["RoomId"] = Room(Random), ["AuthorId"] = author, ["ThreadId"] = Room(General) });

        // The EF Core interceptor maps both states of a modified entity into one set.
        var source = (ISignalSource)ProbeAssembly.Create("Probe.ChatMessage");
        var keys = new HashSet<SignalKey>();
        source.AddSignalKeys(original, keys);
        source.AddSignalKeys(current, keys);

        Assert.Equal(
            [
                "probe:author:ann:room:" + General,
                "probe:author:ann:room:" + Random,
                "probe:chat-message",
                "probe:room:" + General,
                "probe:room:" + Random,
                "probe:thread:" + General,
            ],
            keys.Select(k => k.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Null_wrappers_give_no_key_for_their_families()
    {
        var values = new DictionaryValueReader(new Dictionary<string, object?> { ["RoomId"] = Room(General), ["AuthorId"] = null, ["ThreadId"] = null });
        var keys = new List<SignalKey>();

        ((ISignalSource)ProbeAssembly.Create("Probe.ChatMessage")).AddSignalKeys(values, keys);

        Assert.Equal(["probe:chat-message", "probe:room:" + General], keys.Select(k => k.Value));
    }

    private static object Room(string id) => ProbeAssembly.Create("Probe.RoomId", Guid.Parse(id));
}
