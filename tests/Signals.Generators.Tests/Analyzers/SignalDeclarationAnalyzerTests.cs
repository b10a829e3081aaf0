using Signals.Testing;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Signals.Generators.Tests.Analyzers;

/// <summary>Each diagnostic's ID, position (1-based line and column) and full message, as a build reports it.</summary>
public class SignalDeclarationAnalyzerTests
{
    private const string Header = "using Signals;\nnamespace App;\n";

    [Fact]
    public void SIG0001_type_not_partial()
        => AssertDiagnostics(
            """
            [Signal]
            public class Cart { }
            """,
            ("SIG0001", 4, 14, "'App.Cart' must be partial so that the generator can add its keys: add the 'partial' modifier to every declaration of 'App.Cart'"));

    [Fact]
    public void SIG0001_containing_type_not_partial()
        => AssertDiagnostics(
            """
            public class Outer
            {
                [Signal] public partial class Inner { }
            }
            """,
            ("SIG0001", 3, 14, "'App.Outer.Inner' must be partial so that the generator can add its keys: add the 'partial' modifier to every declaration of 'App.Outer'"));

    [Fact]
    public void SIG0002_unknown_placeholder_points_at_the_placeholder()
        => AssertDiagnostics(
            """
            [SignalFamily("room:{Missing}")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            ("SIG0002", 3, 21, "Placeholder '{Missing}' in 'room:{Missing}' matches no readable instance property of 'App.Message': add a property named 'Missing' or correct the placeholder (names are case-sensitive)"));

    [Fact]
    public void SIG0003_unsupported_placeholder_type()
        => AssertDiagnostics(
            """
            [SignalFamily("at:{At}")]
            public partial class Message { public System.DateTime At { get; set; } }
            """,
            ("SIG0003", 3, 19, "Property 'At' of type 'System.DateTime' cannot be a key placeholder: use string, Guid, an integer type, bool, an enum, DateOnly, DateTimeOffset, or a single-value wrapper of one of them (a struct, record or sealed class with one property, e.g. 'readonly record struct RoomId(Guid Value)')"));

    [Fact]
    public void SIG0003_placeholder_type_the_factory_cannot_expose()
        => AssertDiagnostics(
            """
            [SignalFamily("s:{S}")]
            public partial class Job { private enum Stage { Queued } private Stage S { get; set; } }
            """,
            ("SIG0003", 3, 18, "Property 'S' of type 'App.Job.Stage' cannot be a key placeholder: 'App.Job.Stage' is not accessible outside its containing type, but the generated key factory takes it as a parameter; make it internal or public"));

    [Fact]
    public void SIG0004_invalid_literal_segment_points_at_the_segment()
        => AssertDiagnostics(
            """
            [SignalFamily("chat room:{RoomId}")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            ("SIG0004", 3, 16, "Invalid segment 'chat room' in the template 'chat room:{RoomId}': a literal segment may contain only A-Z, a-z, 0-9, '_', '.' and '-'"));

    [Fact]
    public void SIG0004_placeholder_as_the_namespace()
        => AssertDiagnostics(
            """
            [SignalFamily("{RoomId}:messages")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            ("SIG0004", 3, 16, "Invalid segment '{RoomId}' in the template '{RoomId}:messages': the first segment is the namespace and must be a literal; start with a literal segment or add [SignalNamespace]"));

    [Fact]
    public void SIG0004_name_derived_from_a_non_ascii_type_name()
        => AssertDiagnostics(
            """
            [Signal]
            public partial class Café { }
            """,
            ("SIG0004", 3, 2, "Invalid segment 'café' in the key 'café' derived from the type name 'Café': a literal segment may contain only A-Z, a-z, 0-9, '_', '.' and '-'; pass an explicit key to [Signal]"));

    [Fact]
    public void SIG0004_invalid_assembly_namespace_is_reported_once()
        => AssertDiagnostics(
            """
            [Signal] public partial class Cart { }
            [Signal] public partial class Order { }
            """,
            ("SIG0004", 2, 28, "Invalid segment 'a:b' in the namespace 'a:b': a namespace is one segment and must not contain ':'"),
            header: "using Signals;\n[assembly: SignalNamespace(\"a:b\")]\nnamespace App;\n");

    [Fact]
    public void Assembly_namespace_whose_argument_does_not_compile_is_left_to_the_compiler()
        => AssertDiagnostics(
            "[Signal] public partial class Cart { }\n",
            [],
            header: "using Signals;\n[assembly: SignalNamespace(Missing.Name)]\nnamespace App;\n");

    [Fact]
    public void SIG0005_duplicate_key_in_another_type()
        => AssertDiagnostics(
            """
            [Signal("shop:cart")] public partial class Cart { }
            [Signal("shop:cart")] public partial class Basket { }
            """,
            ("SIG0005", 4, 2, "'shop:cart' declared by 'App.Basket' gives the same keys as 'shop:cart' declared by 'App.Cart': give one of them another key or namespace"));

    [Fact]
    public void SIG0005_same_template_with_other_placeholder_names()
        => AssertDiagnostics(
            """
            [SignalNamespace("chat")]
            [SignalFamily("room:{RoomId}")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            [SignalValue("chat:room:{Id}")]
            public partial record Topic(string Text = "");
            """,
            ("SIG0005", 6, 2, "'chat:room:{Id}' declared by 'App.Topic' gives the same keys as 'chat:room:{RoomId}' declared by 'App.Message': give one of them another key or namespace"));

    [Fact]
    public void SIG0006_a_template_and_a_key_it_can_produce()
        => AssertDiagnostics(
            """
            [SignalNamespace("chat")]
            [SignalFamily("room:{RoomId}")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            [Signal("chat:room:general")]
            public partial class General { }
            """,
            ("SIG0006", 6, 2, "'chat:room:general' declared by 'App.General' and 'chat:room:{RoomId}' declared by 'App.Message' can both give the key 'chat:room:general': make them differ in a literal segment (or in their number of segments)"));

    [Fact]
    public void SIG0006_two_templates_that_cross()
        => AssertDiagnostics(
            """
            [SignalNamespace("chat")]
            [SignalFamily("{UserId}:inbox")]
            [SignalFamily("user:{Folder}")]
            public partial class Mail { public int UserId { get; set; } public string Folder { get; set; } = ""; }
            """,
            ("SIG0006", 5, 2, "'chat:user:{Folder}' declared by 'App.Mail' and 'chat:{UserId}:inbox' declared by 'App.Mail' can both give the key 'chat:user:inbox': make them differ in a literal segment (or in their number of segments)"));

    [Fact]
    public void SIG0007_generic_type()
        => AssertDiagnostics(
            """
            [Signal]
            public partial class Box<T> { }
            """,
            ("SIG0007", 4, 22, "'App.Box<T>' cannot declare signals because 'App.Box<T>' is generic: a signal's keys are the same for every type argument, so declare them on a non-generic type"));

    [Fact]
    public void SIG0007_type_nested_in_a_generic_type()
        => AssertDiagnostics(
            """
            public partial class Outer<T>
            {
                [Signal] public partial class Inner { }
            }
            """,
            ("SIG0007", 5, 35, "'App.Outer<T>.Inner' cannot declare signals because 'App.Outer<T>' is generic: a signal's keys are the same for every type argument, so declare them on a non-generic type"));

    [Fact]
    public void SIG0008_value_signal_without_a_parameterless_constructor()
        => AssertDiagnostics(
            """
            [SignalValue]
            public partial class Theme { public Theme(string mode) { } }
            """,
            ("SIG0008", 4, 22, "Value signal 'App.Theme' has no usable default: add a parameterless constructor, or give every parameter of the primary constructor a default value"));

    [Fact]
    public void SIG0008_value_struct_whose_defaults_new_would_skip()
        => AssertDiagnostics(
            """
            [SignalValue]
            public partial record struct Theme(string Mode = "dark");
            """,
            ("SIG0008", 4, 30, "Value signal 'App.Theme' has no usable default: 'new Theme()' on a struct does not call a constructor whose parameters are all optional, so their defaults would be lost; add a parameterless constructor, e.g. 'public Theme() : this(...) { }'"));

    [Fact]
    public void SIG0009_static_class()
        => AssertDiagnostics(
            """
            [Signal]
            public static partial class Box { }
            """,
            ("SIG0009", 4, 29, "'App.Box' cannot declare signals because it is a static class: declare them on a non-static class, record or struct"));

    [Fact]
    public void SIG0010_member_named_like_a_generated_member()
        => AssertDiagnostics(
            """
            [Signal]
            public partial class Cart
            {
                public int Keys { get; set; }
            }
            """,
            ("SIG0010", 6, 16, "'App.Cart' cannot hold the generated member 'Keys': it has a member of that name; rename the member"));

    [Fact]
    public void SIG0011_factory_name_is_not_an_identifier()
        => AssertDiagnostics(
            """
            [SignalFamily("room:{RoomId}", Name = "class")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            ("SIG0011", 3, 2, "Cannot name the key factory of 'room:{RoomId}' on 'App.Message': 'class' is not a valid C# identifier; set Name to one"));

    [Fact]
    public void SIG0011_two_families_with_the_same_factory()
        => AssertDiagnostics(
            """
            [SignalFamily("room:{RoomId}")]
            [SignalFamily("room:{Topic}:x", Name = "Room")]
            public partial class Message { public string RoomId { get; set; } = ""; public string Topic { get; set; } = ""; }
            """,
            ("SIG0011", 4, 2, "Cannot name the key factory of 'room:{Topic}:x' on 'App.Message': 'Keys.Room(string)' is also generated for 'room:{RoomId}'; set Name on one of them"));

    [Fact]
    public void SIG0012_key_too_long()
    {
        string segment = new('a', 500);
        AssertDiagnostics(
            $$"""
            [SignalNamespace("ns")]
            [SignalFamily("{{segment}}:{Id}:bbbbbbbbbb")]
            public partial class Big { public int Id { get; set; } }
            """,
            ("SIG0012", 4, 15, $"'ns:{segment}:{{Id}}:bbbbbbbbbb' gives keys of at least 516 UTF-8 bytes, but a key is at most 512: shorten its literal segments"));
    }

    [Fact]
    public void SIG0013_repeated_placeholder_points_at_the_repetition()
        => AssertDiagnostics(
            """
            [SignalFamily("a:{RoomId}:b:{RoomId}")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            ("SIG0013", 3, 29, "Placeholder '{RoomId}' appears more than once in 'a:{RoomId}:b:{RoomId}': each placeholder is one argument, so use it once"));

    [Fact]
    public void SIG0014_value_signal_with_entity_signals()
        => AssertDiagnostics(
            """
            [Signal]
            [SignalValue]
            public partial class Theme { }
            """,
            ("SIG0014", 4, 2, "'App.Theme' has both [SignalValue] and [Signal] or [SignalFamily]: a value signal's key holds the value itself, so declare entity signals on another type"));

    [Fact]
    public void Every_problem_of_a_type_is_reported_not_only_the_first()
        => AssertDiagnostics(
            """
            [SignalFamily("room:{Missing}:{At}")]
            public class Message { public System.DateTime At { get; set; } }
            """,
            ("SIG0002", 3, 21, "Placeholder '{Missing}' in 'room:{Missing}:{At}' matches no readable instance property of 'App.Message': add a property named 'Missing' or correct the placeholder (names are case-sensitive)"),
            ("SIG0003", 3, 31, "Property 'At' of type 'System.DateTime' cannot be a key placeholder: use string, Guid, an integer type, bool, an enum, DateOnly, DateTimeOffset, or a single-value wrapper of one of them (a struct, record or sealed class with one property, e.g. 'readonly record struct RoomId(Guid Value)')"),
            ("SIG0001", 4, 14, "'App.Message' must be partial so that the generator can add its keys: add the 'partial' modifier to every declaration of 'App.Message'"));

    [Fact]
    public void Descriptors_are_errors_with_a_fix_in_every_message()
    {
        var analyzer = new Signals.Generators.Analyzers.SignalDeclarationAnalyzer();

        Assert.Equal(
            [.. Enumerable.Range(1, 14).Select(i => $"SIG{i:D4}")],
            analyzer.SupportedDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(analyzer.SupportedDiagnostics, d =>
        {
            Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity);
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics", d.Id + ".md")), $"docs/diagnostics/{d.Id}.md is missing.");
        });
    }

    private static void AssertDiagnostics(string source, params (string Id, int Line, int Column, string Message)[] expected)
        => AssertDiagnostics(source, expected, Header);

    private static void AssertDiagnostics(string source, (string Id, int Line, int Column, string Message) expected, string header)
        => AssertDiagnostics(source, [expected], header);

    private static void AssertDiagnostics(string source, (string Id, int Line, int Column, string Message)[] expected, string header)
    {
        (string Id, int Line, int Column, string Message)[] actual = [.. GeneratorHarness.Analyze(header + source).Select(d =>
        {
            FileLinePositionSpan span = d.Location.GetLineSpan();
            return (d.Id, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, d.GetMessage(CultureInfo.InvariantCulture));
        })];

        Assert.Equal(expected, actual);
    }
}
