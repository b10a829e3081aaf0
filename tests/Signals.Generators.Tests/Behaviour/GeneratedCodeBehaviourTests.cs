using System.Reflection;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>Compiles the generated code into an in-memory assembly and runs it.</summary>
public class GeneratedCodeBehaviourTests
{
    private const string ChatSource = """
        using Signals;
        namespace Chat;
        public enum Mood { Happy, Sad }
        [SignalNamespace("chat")]
        [Signal]
        [SignalFamily("room:{RoomId}")]
        [SignalFamily("room:{RoomId}:typing")]
        [SignalFamily("user:{UserId}:room:{RoomId}")]
        [SignalFamily("thread:{ThreadId}")]
        public partial class ChatMessage
        {
            public long Id { get; set; }
            public string? RoomId { get; set; }
            public int UserId { get; set; }
            public System.Guid? ThreadId { get; set; }
        }

        [SignalNamespace("t")]
        [SignalFamily("g:{G}")]
        [SignalFamily("d:{D}")]
        [SignalFamily("e:{E}")]
        [SignalFamily("dto:{Dto}")]
        [SignalFamily("b:{B}:n:{N}")]
        public partial record struct Formats(System.Guid G, System.DateOnly D, Mood E, System.DateTimeOffset Dto, bool B, long N);
        """;

    private static readonly Lazy<Assembly> ChatAssembly = new(() => GeneratorHarness.CompileAndLoad(ChatSource));

    [Fact]
    public void Family_factory_escapes_the_argument()
        => Assert.Equal("chat:room:a%3Ab", InvokeKey("Chat.ChatMessage", "Room", "a:b"));

    [Fact]
    public void All_key_is_namespace_and_kebab_case_name()
    {
        Type keys = ChatAssembly.Value.GetType("Chat.ChatMessage+Keys", throwOnError: true)!;
        var all = (SignalKey)keys.GetProperty("All")!.GetValue(null)!;
        Assert.Equal("chat:chat-message", all.Value);
    }

    [Fact]
    public void Literals_after_placeholders_are_kept_and_arguments_escaped()
    {
        Assert.Equal("chat:room:r%251:typing", InvokeKey("Chat.ChatMessage", "RoomTyping", "r%1"));
        Assert.Equal("chat:user:42:room:a%3Ab", InvokeKey("Chat.ChatMessage", "UserRoom", 42, "a:b"));
    }

    [Fact]
    public void AddSignalKeys_maps_property_values_to_keys()
    {
        var threadId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var reader = new DictionaryValueReader(new Dictionary<string, object?>
        {
            ["RoomId"] = "general",
            ["UserId"] = 7,
            ["ThreadId"] = threadId,
        });

        Assert.Equal(
            ["chat:chat-message", "chat:room:general", "chat:room:general:typing", "chat:user:7:room:general", $"chat:thread:{threadId:D}"],
            AddSignalKeys("Chat.ChatMessage", reader));
        Assert.Equal(["RoomId", "RoomId", "UserId", "RoomId", "ThreadId"], reader.Requested);
    }

    [Fact]
    public void Null_property_yields_no_key_for_its_families()
    {
        var reader = new DictionaryValueReader(new Dictionary<string, object?>
        {
            ["RoomId"] = null,
            ["UserId"] = 7,
            ["ThreadId"] = null,
        });

        Assert.Equal(["chat:chat-message"], AddSignalKeys("Chat.ChatMessage", reader));
    }

    [Fact]
    public void Arguments_are_formatted_culture_invariantly()
    {
        Assert.Equal("t:g:0f8fad5b-d9cb-469f-a165-70867728950e", InvokeKey("Chat.Formats", "G", Guid.Parse("0F8FAD5B-D9CB-469F-A165-70867728950E")));
        Assert.Equal("t:d:2024-02-29", InvokeKey("Chat.Formats", "D", new DateOnly(2024, 2, 29)));
        Assert.Equal("t:e:Sad", InvokeKey("Chat.Formats", "E", Enum.ToObject(ChatAssembly.Value.GetType("Chat.Mood", throwOnError: true)!, 1)));
        Assert.Equal("t:dto:2024-02-29T13%3A05%3A00.0000000+02%3A00",
            InvokeKey("Chat.Formats", "Dto", new DateTimeOffset(2024, 2, 29, 13, 5, 0, TimeSpan.FromHours(2))));
        Assert.Equal("t:b:true:n:-5", InvokeKey("Chat.Formats", "BN", true, -5L));
    }

    [Fact]
    public void Record_struct_maps_its_values_through_the_interface()
    {
        var reader = new DictionaryValueReader(new Dictionary<string, object?>
        {
            ["G"] = Guid.Empty,
            ["D"] = new DateOnly(2000, 1, 2),
            ["E"] = Enum.ToObject(ChatAssembly.Value.GetType("Chat.Mood", throwOnError: true)!, 0),
            ["Dto"] = DateTimeOffset.UnixEpoch,
            ["B"] = false,
            ["N"] = 10L,
        });

        Assert.Equal(
            ["t:g:00000000-0000-0000-0000-000000000000", "t:d:2000-01-02", "t:e:Happy", "t:dto:1970-01-01T00%3A00%3A00.0000000+00%3A00", "t:b:false:n:10"],
            AddSignalKeys("Chat.Formats", reader));
    }

    private static string InvokeKey(string typeName, string factory, params object?[] arguments)
    {
        Type keys = ChatAssembly.Value.GetType(typeName + "+Keys", throwOnError: true)!;
        MethodInfo method = keys.GetMethod(factory, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{typeName}.Keys has no factory {factory}.");
        return ((SignalKey)method.Invoke(null, arguments)!).Value;
    }

    private static string[] AddSignalKeys(string typeName, ISignalValueReader reader)
    {
        var source = (ISignalSource)Activator.CreateInstance(ChatAssembly.Value.GetType(typeName, throwOnError: true)!)!;
        var keys = new List<SignalKey>();
        source.AddSignalKeys(reader, keys);
        return [.. keys.Select(k => k.Value)];
    }
}
