namespace Signals.Generators.Tests;

/// <summary>
/// Invalid targets are skipped without a crash and without code that fails to compile, and the analyzer reports each of them (the exact
/// diagnostics are asserted in <see cref="Analyzers.SignalDeclarationAnalyzerTests"/>).
/// </summary>
public class InvalidTargetTests
{
    public static TheoryData<string, string> InvalidTargets => new()
    {
        { "not partial", "[Signal] public class A { }" },
        { "generic", "[Signal] public partial class A<T> { }" },
        { "inside a generic type", "public partial class O<T> { [Signal] public partial class A { } }" },
        { "containing type not partial", "public class O { [Signal] public partial class A { } }" },
        { "static class", "[Signal] public static partial class A { }" },
        { "ref struct", "[Signal] public ref partial struct A { }" },
        { "unknown placeholder", "[SignalFamily(\"room:{Missing}\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "placeholder on a field", "[SignalFamily(\"room:{RoomId}\")] public partial class A { public string RoomId = \"\"; }" },
        { "static property", "[SignalFamily(\"room:{RoomId}\")] public partial class A { public static string RoomId { get; set; } = \"\"; }" },
        { "unsupported DateTime", "[SignalFamily(\"at:{At}\")] public partial class A { public System.DateTime At { get; set; } }" },
        { "unsupported double", "[SignalFamily(\"v:{V}\")] public partial class A { public double V { get; set; } }" },
        { "private enum", "[SignalFamily(\"s:{S}\")] public partial class A { private enum E { X } private E S { get; set; } }" },
        { "literal with a space", "[SignalFamily(\"chat room:{RoomId}\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "empty segment", "[SignalFamily(\"room::{RoomId}\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "placeholder first without namespace", "[SignalFamily(\"{RoomId}\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "placeholder bound twice", "[SignalFamily(\"a:{RoomId}:b:{RoomId}\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "no literal and no name", "[SignalNamespace(\"ns\")] [SignalFamily(\"{RoomId}\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "name is a keyword", "[SignalFamily(\"room:{RoomId}\", Name = \"class\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "method name starts with a digit", "[SignalFamily(\"2fa:{RoomId}\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "duplicate factories", "[SignalFamily(\"room:{RoomId}\")] [SignalFamily(\"room:{RoomId}\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "family named All", "[Signal] [SignalFamily(\"room:{RoomId}\", Name = \"All\")] public partial class A { public string RoomId { get; set; } = \"\"; }" },
        { "member named Keys", "[Signal] public partial class A { public int Keys { get; set; } }" },
        { "type named Keys", "[Signal] public partial class Keys { }" },
        { "invalid explicit key", "[Signal(\"app theme\")] public partial class A { }" },
        { "empty explicit key", "[Signal(\"\")] public partial class A { }" },
        { "namespace with a colon", "[SignalNamespace(\"a:b\")] [Signal] public partial class A { }" },
        { "non-ASCII type name", "[Signal] public partial class Café { }" },
        { "hand-written AddSignalKeys", "[Signal] public partial class A : ISignalSource { void ISignalSource.AddSignalKeys(ISignalValueReader values, System.Collections.Generic.ICollection<SignalKey> keys) { } }" },
        { "file-local type", "[Signal] file partial class A { }" },
        { "key too long", $"[Signal(\"{new string('a', 513)}\")] public partial class A {{ }}" },
        { "placeholder in a fixed key", "[Signal(\"a:{B}\")] public partial class A { public string B { get; set; } = \"\"; }" },
        { "wrapper with two properties", "public readonly record struct Money(decimal Amount, string Currency); [SignalFamily(\"m:{M}\")] public partial class A { public Money M { get; set; } }" },
        { "wrapper of an unsupported type", "public readonly record struct At(System.DateTime Value); [SignalFamily(\"at:{At}\")] public partial class A { public At At { get; set; } }" },
        { "unsealed class wrapper", "public class Id { public int Value { get; set; } } [SignalFamily(\"id:{Id}\")] public partial class A { public Id Id { get; set; } = new(); }" },
        { "value without a default", "[SignalValue] public partial class V { public V(int x) { } }" },
        { "value struct with optional constructor", "[SignalValue] public partial record struct V(string Mode = \"dark\");" },
        { "abstract value", "[SignalValue] public abstract partial class V { }" },
        { "value with two optional constructors", "[SignalValue] public partial class V { public V(int a = 1) { } public V(string b = \"\") { } }" },
        { "value and signal", "[Signal] [SignalValue] public partial class V { }" },
        { "value and family", "[SignalFamily(\"f\")] [SignalValue] public partial class V { }" },
        { "value with a member named Values", "[SignalValue] public partial class V { public int Values { get; set; } }" },
        { "value placeholder repeated", "[SignalValue(\"v:{A}:{A}\")] public partial class V { }" },
        { "value placeholders give one parameter name", "[SignalValue(\"v:{A}:{a}\")] public partial class V { }" },
        { "value placeholder first", "[SignalValue(\"{A}:v\")] public partial class V { }" },
        { "invalid value key", "[SignalValue(\"v v\")] public partial class V { }" },
        { "empty namespace on a value", "[SignalNamespace(\"\")] [SignalValue] public partial class V { }" },
        { "generic value", "[SignalValue] public partial class V<T> { }" },
        { "value not partial", "[SignalValue] public class V { }" },
    };

    [Theory]
    [MemberData(nameof(InvalidTargets))]
    public void Invalid_target_generates_nothing_and_the_analyzer_reports_it(string reason, string declaration)
    {
        string source = $"using Signals;\nnamespace Invalid;\n{declaration}\n";
        IReadOnlyDictionary<string, string> generated = GeneratorHarness.Generate(source);

        Assert.True(generated.Count == 0, $"{reason}: expected no output, got {string.Join(", ", generated.Keys)}");
        Assert.Contains(GeneratorHarness.Analyze(source), d => d.Id.StartsWith("SIG", StringComparison.Ordinal) && d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public void Keyword_and_non_ascii_names_still_compile()
    {
        IReadOnlyDictionary<string, string> generated = GeneratorHarness.Generate("""
            using Signals;
            namespace @class.Models;
            public partial class @event { [Signal("e")] public partial class @struct { } }
            [SignalFamily("cafe:{Id}")] public partial class Café { public int Id { get; set; } }
            """);

        Assert.Equal(["Signals-Catalog.g.cs", "class.Models.Café.g.cs", "class.Models.event.struct.g.cs"], generated.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("partial class @event", generated["class.Models.event.struct.g.cs"], StringComparison.Ordinal);
        Assert.Contains("namespace @class.Models;", generated["class.Models.event.struct.g.cs"], StringComparison.Ordinal);
        Assert.Contains("partial class @struct : global::Signals.ISignalSource", generated["class.Models.event.struct.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_family_does_not_block_other_types()
    {
        IReadOnlyDictionary<string, string> generated = GeneratorHarness.Generate("""
            using Signals;
            namespace Mixed;
            [SignalFamily("v:{V}")] public partial class Bad { public double V { get; set; } }
            [Signal] public partial class Good { }
            """);

        Assert.Equal(["Mixed.Good.g.cs", "Signals-Catalog.g.cs"], generated.Keys.Order(StringComparer.Ordinal));
    }
}
