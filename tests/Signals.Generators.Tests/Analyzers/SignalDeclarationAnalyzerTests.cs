using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Signals.Testing;
using static Signals.Generators.Tests.Analyzers.SignalDeclarationAnalyzerTest;

namespace Signals.Generators.Tests.Analyzers;

/// <summary>
/// Each diagnostic's ID, location (the markup <c>{|#n:…|}</c>: start and end, and the other declaration for SIG0005/SIG0006) and full
/// message, as a build reports it (<see cref="SignalDeclarationAnalyzerTest"/>).
/// </summary>
public class SignalDeclarationAnalyzerTests
{
    private const string Header = "using Signals;\nnamespace App;\n";
    [Fact]
    public Task SIG0001_type_not_partial()
        => VerifyAsync(
            """
            [Signal]
            public class {|#0:Cart|} { }
            """,
            Diagnostic("SIG0001", 0, "'App.Cart' must be partial so that the generator can add its keys: add the 'partial' modifier to every declaration of 'App.Cart'"));

    [Fact]
    public Task SIG0001_containing_type_not_partial()
        => VerifyAsync(
            """
            public class {|#0:Outer|}
            {
                [Signal] public partial class Inner { }
            }
            """,
            Diagnostic("SIG0001", 0, "'App.Outer.Inner' must be partial so that the generator can add its keys: add the 'partial' modifier to every declaration of 'App.Outer'"));

    [Fact]
    public Task SIG0002_unknown_placeholder_points_at_the_placeholder()
        => VerifyAsync(
            """
            [SignalFamily("room:{|#0:{Missing}|}")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            Diagnostic("SIG0002", 0, "Placeholder '{Missing}' in 'room:{Missing}' matches no readable instance property of 'App.Message': add a property named 'Missing' or correct the placeholder (names are case-sensitive)"));

    [Fact]
    public Task SIG0003_unsupported_placeholder_type()
        => VerifyAsync(
            """
            [SignalFamily("at:{|#0:{At}|}")]
            public partial class Message { public System.DateTime At { get; set; } }
            """,
            Diagnostic("SIG0003", 0, "Property 'At' of type 'System.DateTime' cannot be a key placeholder: use string, Guid, an integer type, bool, an enum, DateOnly, DateTimeOffset, or a single-value wrapper of one of them (a struct, record or sealed class with one property, e.g. 'readonly record struct RoomId(Guid Value)')"));

    [Fact]
    public Task SIG0003_placeholder_type_the_factory_cannot_expose()
        => VerifyAsync(
            """
            [SignalFamily("s:{|#0:{S}|}")]
            public partial class Job { private enum Stage { Queued } private Stage S { get; set; } }
            """,
            Diagnostic("SIG0003", 0, "Property 'S' of type 'App.Job.Stage' cannot be a key placeholder: 'App.Job.Stage' is not accessible outside its containing type, but the generated key factory takes it as a parameter; make it internal or public"));

    [Fact]
    public Task SIG0004_invalid_literal_segment_points_at_the_segment()
        => VerifyAsync(
            """
            [SignalFamily("{|#0:chat room|}:{RoomId}")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            Diagnostic("SIG0004", 0, "Invalid segment 'chat room' in the template 'chat room:{RoomId}': a literal segment may contain only A-Z, a-z, 0-9, '_', '.' and '-'"));

    [Fact]
    public Task SIG0004_placeholder_as_the_namespace()
        => VerifyAsync(
            """
            [SignalFamily("{|#0:{RoomId}|}:messages")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            Diagnostic("SIG0004", 0, "Invalid segment '{RoomId}' in the template '{RoomId}:messages': the first segment is the namespace and must be a literal; start with a literal segment or add [SignalNamespace]"));

    [Fact]
    public Task SIG0004_name_derived_from_a_non_ascii_type_name()
        => VerifyAsync(
            """
            [{|#0:Signal|}]
            public partial class Café { }
            """,
            Diagnostic("SIG0004", 0, "Invalid segment 'café' in the key 'café' derived from the type name 'Café': a literal segment may contain only A-Z, a-z, 0-9, '_', '.' and '-'; pass an explicit key to [Signal]"));

    [Fact]
    public Task SIG0004_invalid_assembly_namespace_is_reported_once()
        => VerifyAsync(
            """
            [Signal] public partial class Cart { }
            [Signal] public partial class Order { }
            """,
            Diagnostic("SIG0004", 0, "Invalid segment 'a:b' in the namespace 'a:b': a namespace is one segment and must not contain ':'"),
            header: "using Signals;\n[assembly: SignalNamespace({|#0:\"a:b\"|})]\nnamespace App;\n");

    [Fact]
    public Task Assembly_namespace_whose_argument_does_not_compile_is_left_to_the_compiler()
        => VerifyAsync(
            "[Signal] public partial class Cart { }\n",
            [],
            header: "using Signals;\n[assembly: SignalNamespace(Missing.Name)]\nnamespace App;\n");

    [Fact]
    public Task SIG0005_duplicate_key_in_another_type()
        => VerifyAsync(
            """
            [{|#1:Signal("shop:cart")|}] public partial class Cart { }
            [{|#0:Signal("shop:cart")|}] public partial class Basket { }
            """,
            Diagnostic("SIG0005", 0, "'shop:cart' declared by 'App.Basket' gives the same keys as 'shop:cart' declared by 'App.Cart': give one of them another key or namespace", additionalLocation: 1));

    [Fact]
    public Task SIG0005_same_template_with_other_placeholder_names()
        => VerifyAsync(
            """
            [SignalNamespace("chat")]
            [{|#1:SignalFamily("room:{RoomId}")|}]
            public partial class Message { public string RoomId { get; set; } = ""; }
            [{|#0:SignalValue("chat:room:{Id}")|}]
            public partial record Topic(string Text = "");
            """,
            Diagnostic("SIG0005", 0, "'chat:room:{Id}' declared by 'App.Topic' gives the same keys as 'chat:room:{RoomId}' declared by 'App.Message': give one of them another key or namespace", additionalLocation: 1));

    [Fact]
    public Task SIG0006_a_template_and_a_key_it_can_produce()
        => VerifyAsync(
            """
            [SignalNamespace("chat")]
            [{|#1:SignalFamily("room:{RoomId}")|}]
            public partial class Message { public string RoomId { get; set; } = ""; }
            [{|#0:Signal("chat:room:general")|}]
            public partial class General { }
            """,
            Diagnostic("SIG0006", 0, "'chat:room:general' declared by 'App.General' and 'chat:room:{RoomId}' declared by 'App.Message' can both give the key 'chat:room:general': make them differ in a literal segment (or in their number of segments)", additionalLocation: 1));

    [Fact]
    public Task SIG0006_two_templates_that_cross()
        => VerifyAsync(
            """
            [SignalNamespace("chat")]
            [{|#1:SignalFamily("{UserId}:inbox")|}]
            [{|#0:SignalFamily("user:{Folder}")|}]
            public partial class Mail { public int UserId { get; set; } public string Folder { get; set; } = ""; }
            """,
            Diagnostic("SIG0006", 0, "'chat:user:{Folder}' declared by 'App.Mail' and 'chat:{UserId}:inbox' declared by 'App.Mail' can both give the key 'chat:user:inbox': make them differ in a literal segment (or in their number of segments)", additionalLocation: 1));

    [Fact]
    public Task SIG0007_generic_type()
        => VerifyAsync(
            """
            [Signal]
            public partial class {|#0:Box|}<T> { }
            """,
            Diagnostic("SIG0007", 0, "'App.Box<T>' cannot declare signals because 'App.Box<T>' is generic: a signal's keys are the same for every type argument, so declare them on a non-generic type"));

    [Fact]
    public Task SIG0007_type_nested_in_a_generic_type()
        => VerifyAsync(
            """
            public partial class Outer<T>
            {
                [Signal] public partial class {|#0:Inner|} { }
            }
            """,
            Diagnostic("SIG0007", 0, "'App.Outer<T>.Inner' cannot declare signals because 'App.Outer<T>' is generic: a signal's keys are the same for every type argument, so declare them on a non-generic type"));

    [Fact]
    public Task SIG0008_value_signal_without_a_parameterless_constructor()
        => VerifyAsync(
            """
            [SignalValue]
            public partial class {|#0:Theme|} { public Theme(string mode) { } }
            """,
            Diagnostic("SIG0008", 0, "Value signal 'App.Theme' has no usable default: add a parameterless constructor, or give every parameter of the primary constructor a default value"));

    [Fact]
    public Task SIG0008_value_struct_whose_defaults_new_would_skip()
        => VerifyAsync(
            """
            [SignalValue]
            public partial record struct {|#0:Theme|}(string Mode = "dark");
            """,
            Diagnostic("SIG0008", 0, "Value signal 'App.Theme' has no usable default: 'new Theme()' on a struct does not call a constructor whose parameters are all optional, so their defaults would be lost; add a parameterless constructor, e.g. 'public Theme() : this(...) { }'"));

    [Fact]
    public Task SIG0009_static_class()
        => VerifyAsync(
            """
            [Signal]
            public static partial class {|#0:Box|} { }
            """,
            Diagnostic("SIG0009", 0, "'App.Box' cannot declare signals because it is a static class: declare them on a non-static class, record or struct"));

    [Fact]
    public Task SIG0010_member_named_like_a_generated_member()
        => VerifyAsync(
            """
            [Signal]
            public partial class Cart
            {
                public int {|#0:Keys|} { get; set; }
            }
            """,
            Diagnostic("SIG0010", 0, "'App.Cart' cannot hold the generated member 'Keys': it has a member of that name; rename the member"));

    [Fact]
    public Task SIG0011_factory_name_is_not_an_identifier()
        => VerifyAsync(
            """
            [{|#0:SignalFamily("room:{RoomId}", Name = "class")|}]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            Diagnostic("SIG0011", 0, "Cannot name the key factory of 'room:{RoomId}' on 'App.Message': 'class' is not a valid C# identifier; set Name to one"));

    [Fact]
    public Task SIG0011_two_families_with_the_same_factory()
        => VerifyAsync(
            """
            [SignalFamily("room:{RoomId}")]
            [{|#0:SignalFamily("room:{Topic}:x", Name = "Room")|}]
            public partial class Message { public string RoomId { get; set; } = ""; public string Topic { get; set; } = ""; }
            """,
            Diagnostic("SIG0011", 0, "Cannot name the key factory of 'room:{Topic}:x' on 'App.Message': 'Keys.Room(string)' is also generated for 'room:{RoomId}'; set Name on one of them"));

    [Fact]
    public Task SIG0012_key_too_long()
    {
        string segment = new('a', 500);
        return VerifyAsync(
            $$"""
            [SignalNamespace("ns")]
            [SignalFamily({|#0:"{{segment}}:{Id}:bbbbbbbbbb"|})]
            public partial class Big { public int Id { get; set; } }
            """,
            Diagnostic("SIG0012", 0, $"'ns:{segment}:{{Id}}:bbbbbbbbbb' gives keys of at least 516 UTF-8 bytes, but a key is at most 512: shorten its literal segments"));
    }

    [Fact]
    public Task SIG0013_repeated_placeholder_points_at_the_repetition()
        => VerifyAsync(
            """
            [SignalFamily("a:{RoomId}:b:{|#0:{RoomId}|}")]
            public partial class Message { public string RoomId { get; set; } = ""; }
            """,
            Diagnostic("SIG0013", 0, "Placeholder '{RoomId}' appears more than once in 'a:{RoomId}:b:{RoomId}': each placeholder is one argument, so use it once"));

    [Fact]
    public Task SIG0014_value_signal_with_entity_signals()
        => VerifyAsync(
            """
            [Signal]
            [{|#0:SignalValue|}]
            public partial class Theme { }
            """,
            Diagnostic("SIG0014", 0, "'App.Theme' has both [SignalValue] and [Signal] or [SignalFamily]: a value signal's key holds the value itself, so declare entity signals on another type"));

    [Fact]
    public Task Every_problem_of_a_type_is_reported_not_only_the_first()
        => VerifyAsync(
            """
            [SignalFamily("room:{|#0:{Missing}|}:{|#1:{At}|}")]
            public class {|#2:Message|} { public System.DateTime At { get; set; } }
            """,
            Diagnostic("SIG0002", 0, "Placeholder '{Missing}' in 'room:{Missing}:{At}' matches no readable instance property of 'App.Message': add a property named 'Missing' or correct the placeholder (names are case-sensitive)"),
            Diagnostic("SIG0003", 1, "Property 'At' of type 'System.DateTime' cannot be a key placeholder: use string, Guid, an integer type, bool, an enum, DateOnly, DateTimeOffset, or a single-value wrapper of one of them (a struct, record or sealed class with one property, e.g. 'readonly record struct RoomId(Guid Value)')"),
            Diagnostic("SIG0001", 2, "'App.Message' must be partial so that the generator can add its keys: add the 'partial' modifier to every declaration of 'App.Message'"));

    [Fact]
    public void Descriptors_are_errors_with_a_fix_in_every_message()
    {
        var analyzer = new Signals.Generators.Analyzers.SignalDeclarationAnalyzer();

        Assert.Equal(
            [.. Enumerable.Range(1, 19).Where(i => i != 15).Select(i => $"SIG{i:D4}")], // SIG0015 is BulkWriteAnalyzer's
            analyzer.SupportedDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(analyzer.SupportedDiagnostics, d =>
        {
            Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity);
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics", d.Id + ".md")), $"docs/diagnostics/{d.Id}.md is missing.");
        });
    }

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync(source, expected, Header);

    private static Task VerifyAsync(string source, DiagnosticResult expected, string header) => VerifyAsync(source, [expected], header);

    private static Task VerifyAsync(string source, DiagnosticResult[] expected, string header)
    {
        var test = new SignalDeclarationAnalyzerTest(header + source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }
}
