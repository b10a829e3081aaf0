using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>
/// A value signal's catalog entry carries its declared type (<see cref="SignalDescriptor.ValueType"/>): the endpoints check written
/// values against it exactly as the generated typed readers read them.
/// </summary>
public class ValueTypeCatalogTests
{
    private static readonly Lazy<Assembly> Probe = new(() =>
    {
        Assembly assembly = GeneratorHarness.CompileAndLoad("""
            using System.Collections.Generic;
            using System.Text.Json.Serialization;
            using Signals;
            namespace Vt;
            public enum Level { Low, High }
            public sealed record Limit(string Name, int Max);
            [SignalNamespace("vt")]
            [SignalValue]
            public partial record Settings(string Mode = "dark", int FontSize = 14, Level Level = Level.Low, List<Limit>? Limits = null)
            {
                [JsonPropertyName("n")] public long Changes { get; init; }
            }
            [SignalValue("vt:zone:{RoomId}")]
            public partial class Zone { public string Name { get; set; } = "UTC"; }
            [SignalNamespace("vt")]
            [SignalFamily("room:{Id}")]
            public partial class Room { public int Id { get; set; } }
            public partial class Widgets
            {
                [SignalValue("vt:layout")]
                private partial record Layout(int Columns = 2);
            }
            public static class Probe
            {
                public static async System.Threading.Tasks.Task<string> Read(ISignalValueStore store)
                {
                    Settings settings = await Settings.Values.GetAsync(store);
                    return $"{settings.Mode}/{settings.FontSize}/{settings.Level}/{settings.Limits?.Count}/{settings.Changes}";
                }
            }
            """);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle); // registers the catalog
        return assembly;
    });

    [Fact]
    public void Value_signals_carry_their_type_and_other_signals_none()
    {
        Assert.Equal(Probe.Value.GetType("Vt.Settings", throwOnError: true), Descriptor("vt:settings").ValueType?.Type);
        Assert.Equal(Probe.Value.GetType("Vt.Zone", throwOnError: true), Descriptor("vt:zone:{RoomId}").ValueType?.Type);
        Assert.Null(Descriptor("vt:room:{Id}").ValueType);

        // Generated code outside Widgets cannot name a private nested type: no value type, so writes are not checked.
        Assert.Equal(SignalKind.Value, Descriptor("vt:layout").Kind);
        Assert.Null(Descriptor("vt:layout").ValueType);
    }

    [Fact]
    public async Task A_value_the_type_accepts_is_one_its_typed_reader_reads()
    {
        SignalValueType type = Descriptor("vt:settings").ValueType!;
        using JsonDocument json = JsonDocument.Parse("""{"mode":"light","fontSize":12,"level":1,"limits":[{"name":"a","max":3}],"n":7}""");

        Assert.True(type.Accepts(json.RootElement, out string? error), error);

        var store = new InMemorySignalStore(new SignalHub(), TimeProvider.System);
        await store.SetAsync(SignalKey.Parse("vt:settings"), json.RootElement, TestContext.Current.CancellationToken);
        MethodInfo read = Probe.Value.GetType("Vt.Probe", throwOnError: true)!.GetMethod("Read")!;
        Assert.Equal("light/12/High/1/7", await (Task<string>)read.Invoke(null, [store])!);
    }

    [Theory]
    [InlineData("\"hello\"", "The JSON value could not be converted to Vt.Settings. Path: $")]
    [InlineData("""{"fontSize":"big"}""", "Path: $.fontSize")]
    [InlineData("""{"limits":[{"name":"a","max":1.5}]}""", "Path: $.limits[0].max")]
    [InlineData("[1]", "The JSON value could not be converted to Vt.Settings. Path: $")]
    [InlineData("null", "The value is null.")]
    public void A_value_the_typed_reader_cannot_read_is_refused_with_the_first_error(string value, string expected)
    {
        SignalValueType type = Descriptor("vt:settings").ValueType!;
        using JsonDocument json = JsonDocument.Parse(value);

        Assert.False(type.Accepts(json.RootElement, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static SignalDescriptor Descriptor(string pattern)
    {
        _ = Probe.Value;
        return Assert.Single(SignalCatalog.Registered.Descriptors, d => d.Pattern == pattern);
    }
}
