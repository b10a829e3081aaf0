namespace Signals.Generators.Tests;

/// <summary>Whole-file snapshots of the generated code (<c>_snapshots/SignalGeneratorSnapshotTests.*.verified.cs</c>).</summary>
public class SignalGeneratorSnapshotTests
{
    [Fact]
    public void Signal_without_namespace_uses_kebab_case_type_name() => GeneratorHarness.Verify("""
        using Signals;
        namespace Chat;
        [Signal]
        public partial class ChatMessage { public long Id { get; set; } }
        """);

    [Fact]
    public void Signal_and_family_with_type_namespace() => GeneratorHarness.Verify("""
        using Signals;
        namespace Chat;
        [SignalNamespace("chat")]
        [Signal]
        [SignalFamily("room:{RoomId}")]
        public partial class ChatMessage { public long Id { get; set; } public string RoomId { get; set; } = ""; }
        """);

    [Fact]
    public void Several_families_with_literals_after_placeholders() => GeneratorHarness.Verify("""
        using Signals;
        namespace Chat;
        [SignalNamespace("chat")]
        [Signal]
        [SignalFamily("room:{RoomId}")]
        [SignalFamily("room:{RoomId}:typing")]
        [SignalFamily("user:{UserId}:room:{RoomId}")]
        [SignalFamily("thread:{RoomId}:{ThreadId}", Name = "Thread")]
        public partial class ChatMessage
        {
            public long Id { get; set; }
            public string RoomId { get; set; } = "";
            public int UserId { get; set; }
            public long? ThreadId { get; set; }
        }
        """);

    [Fact]
    public void Family_only_type_has_no_all_key() => GeneratorHarness.Verify("""
        using Signals;
        namespace Chat;
        [SignalNamespace("chat")]
        [SignalFamily("presence:{UserName}")]
        public partial class Presence { public string? UserName { get; set; } }
        """);

    [Fact]
    public void Explicit_key_with_and_without_namespace() => GeneratorHarness.Verify("""
        using Signals;
        namespace App
        {
            [Signal("app:theme")]
            public partial record Theme(string Mode = "dark");

            [SignalNamespace("ui")]
            [Signal("layout")]
            public partial record Layout(string Name);
        }
        """);

    [Fact]
    public void Assembly_namespace_applies_unless_the_type_sets_one() => GeneratorHarness.Verify("""
        using Signals;
        [assembly: SignalNamespace("shop")]
        namespace Shop;
        [Signal]
        [SignalFamily("cart:{CartId}")]
        public partial class CartLine { public System.Guid CartId { get; set; } }

        [SignalNamespace("billing")]
        [Signal]
        public partial class HTTPInvoice { }
        """);

    [Fact]
    public void Nested_type_redeclares_its_containing_types() => GeneratorHarness.Verify("""
        using Signals;
        namespace Shop.Orders
        {
            public static partial class Catalog
            {
                internal partial record struct Prices
                {
                    [Signal("cart")]
                    [SignalFamily("cart:{Sku}")]
                    public partial class CartSignal { public string Sku { get; set; } = ""; }
                }
            }
        }
        """);

    [Fact]
    public void Record_struct_implements_the_source_explicitly() => GeneratorHarness.Verify("""
        using Signals;
        namespace Game;
        [SignalNamespace("game")]
        [Signal]
        [SignalFamily("board:{Board}")]
        public readonly partial record struct Move(int Board, string Player);
        """);

    [Fact]
    public void Global_namespace_has_no_namespace_declaration() => GeneratorHarness.Verify("""
        using Signals;
        [Signal]
        [SignalFamily("counter:{Name}")]
        public partial struct Counter { public string Name { get; set; } }
        """);

    [Fact]
    public void Every_supported_parameter_type() => GeneratorHarness.Verify("""
        using System;
        using Signals;
        namespace Types;
        public enum Mood { Happy, Sad }
        [SignalNamespace("t")]
        [SignalFamily("s:{S}")]
        [SignalFamily("g:{G}")]
        [SignalFamily("b:{B}")]
        [SignalFamily("i8:{I8}:u8:{U8}:i16:{I16}:u16:{U16}")]
        [SignalFamily("i32:{I32}:u32:{U32}:i64:{I64}:u64:{U64}")]
        [SignalFamily("n:{N}:un:{UN}:i128:{I128}:u128:{U128}")]
        [SignalFamily("e:{E}")]
        [SignalFamily("d:{D}")]
        [SignalFamily("dto:{Dto}")]
        public partial class AllTypes
        {
            public string S { get; set; } = "";
            public Guid G { get; set; }
            public bool B { get; set; }
            public sbyte I8 { get; set; }
            public byte U8 { get; set; }
            public short I16 { get; set; }
            public ushort U16 { get; set; }
            public int I32 { get; set; }
            public uint U32 { get; set; }
            public long I64 { get; set; }
            public ulong U64 { get; set; }
            public nint N { get; set; }
            public nuint UN { get; set; }
            public Int128 I128 { get; set; }
            public UInt128 U128 { get; set; }
            public Mood E { get; set; }
            public DateOnly D { get; set; }
            public DateTimeOffset Dto { get; set; }
        }
        """);

    [Fact]
    public void Every_supported_nullable_parameter_type() => GeneratorHarness.Verify("""
        using System;
        using Signals;
        namespace Types;
        public enum Mood { Happy, Sad }
        [SignalNamespace("t")]
        [SignalFamily("s:{S}")]
        [SignalFamily("g:{G}")]
        [SignalFamily("b:{B}")]
        [SignalFamily("i32:{I32}:i64:{I64}")]
        [SignalFamily("e:{E}")]
        [SignalFamily("d:{D}")]
        [SignalFamily("dto:{Dto}")]
        public partial class NullableTypes
        {
            public string? S { get; set; }
            public Guid? G { get; set; }
            public bool? B { get; set; }
            public int? I32 { get; set; }
            public long? I64 { get; set; }
            public Mood? E { get; set; }
            public DateOnly? D { get; set; }
            public DateTimeOffset? Dto { get; set; }
        }
        """);

    [Fact]
    public void Keyword_and_clashing_property_names_are_escaped() => GeneratorHarness.Verify("""
        using Signals;
        namespace Edge;
        [SignalNamespace("edge")]
        [SignalFamily("class:{Class}:values:{Values}:keys:{Keys2}")]
        [SignalFamily("k:{Key}", Name = "ByKey")]
        public partial class Odd
        {
            public string Class { get; set; } = "";
            public int Values { get; set; }
            public int Keys2 { get; set; }
            public string Key { get; set; } = "";
        }
        """);

    [Fact]
    public void Derived_signal_hides_the_base_keys() => GeneratorHarness.Verify("""
        using Signals;
        namespace Zoo;
        [SignalNamespace("zoo")]
        [Signal]
        public partial class Animal { public string Pen { get; set; } = ""; }

        [SignalNamespace("zoo")]
        [Signal]
        [SignalFamily("pen:{Pen}")]
        public partial class Cat : Animal { }
        """);

    [Fact]
    public void Internal_enum_parameter_makes_an_internal_factory() => GeneratorHarness.Verify("""
        using Signals;
        namespace Jobs;
        internal enum Stage { Queued, Running }
        [SignalNamespace("jobs")]
        [SignalFamily("stage:{Stage}")]
        public partial class Job { internal Stage Stage { get; set; } }
        """);

    [Fact]
    public void Attributes_on_several_partial_declarations_give_one_file() => GeneratorHarness.Verify("""
        using Signals;
        namespace Split;
        [SignalNamespace("split")]
        [SignalFamily("a:{A}")]
        public partial class Part { public string A { get; set; } = ""; }

        [Signal]
        [SignalFamily("b:{B}")]
        public partial class Part { public string B { get; set; } = ""; }

        [SignalFamily("c:{A}:{B}")]
        public partial class Part { }
        """);

    [Fact]
    public void Strongly_typed_ids_are_formatted_by_their_value() => GeneratorHarness.Verify("""
        using System;
        using Signals;
        namespace Chat;
        public readonly record struct RoomId(Guid Value);
        public sealed record UserId(string Value);
        public readonly struct OrderNumber
        {
            public OrderNumber(long number) => Number = number;
            public long Number { get; }
        }

        [SignalNamespace("chat")]
        [SignalFamily("room:{RoomId}")]
        [SignalFamily("author:{AuthorId}")]
        [SignalFamily("order:{Order}")]
        [SignalFamily("thread:{ThreadId}")]
        public partial class ChatMessage
        {
            public RoomId RoomId { get; set; }
            public UserId AuthorId { get; set; } = new("");
            public OrderNumber Order { get; set; }
            public RoomId? ThreadId { get; set; }
        }
        """);

    [Fact]
    public void Value_signal_with_a_derived_key_and_a_counter() => GeneratorHarness.Verify("""
        using Signals;
        namespace App;
        [SignalNamespace("app")]
        [SignalValue]
        public partial record Theme(string Mode = "dark", int FontSize = 14);
        """);

    [Fact]
    public void Value_signal_with_a_template_and_json_names() => GeneratorHarness.Verify("""
        using System.Text.Json.Serialization;
        using Signals;
        namespace Settings;
        [SignalValue("settings:timezone:{RoomId}:{Value}")]
        public sealed partial class RoomTimezone
        {
            public string Zone { get; set; } = "UTC";
            [JsonPropertyName("n")] public long Changes { get; set; }
            [JsonIgnore] public int Ignored { get; set; }
            internal long Hidden { get; set; }
        }
        """);

    [Fact]
    public void Value_struct_uses_its_parameterless_constructor() => GeneratorHarness.Verify("""
        using Signals;
        namespace App;
        [SignalValue("app:visits")]
        internal partial struct Visits
        {
            public Visits() => Count = 1;
            public long Count { get; set; }
        }
        """);

    [Fact]
    public void Catalog_lists_every_signal_of_the_assembly_sorted() => GeneratorHarness.Verify("""
        using Signals;
        [assembly: SignalNamespace("shop")]
        namespace Shop
        {
            [Signal]
            [SignalFamily("order:{Id}")]
            public partial class Order { public int Id { get; set; } }

            [SignalValue("app:banner")]
            public partial record Banner(string Text = "");

            public partial class Outer
            {
                [SignalFamily("basket:{Sku}")]
                private partial class Basket { public string Sku { get; set; } = ""; }
            }
        }
        """);

    [Fact]
    public void Value_signal_nested_privately_has_no_value_type_in_the_catalog() => GeneratorHarness.Verify("""
        using Signals;
        namespace App;
        public partial class Widgets
        {
            [SignalValue("app:layout")]
            private partial record Layout(int Columns = 2);

            [SignalValue("app:palette")]
            internal partial record Palette(string Accent = "blue");
        }
        """);

    [Fact]
    public void Computed_signals_over_families_and_over_each_other() => GeneratorHarness.Verify("""
        using Signals;
        namespace Shop;
        [SignalNamespace("orders")]
        [SignalFamily("tenant:{TenantId}:{Status}")]
        public partial class Order { public int TenantId { get; set; } public string Status { get; set; } = ""; }

        [SignalNamespace("invoices")]
        [SignalFamily("tenant:{TenantId}")]
        public partial class Invoice { public int TenantId { get; set; } }

        [SignalNamespace("dashboard")]
        [SignalComputed("tenant:{TenantId}", "orders:tenant:{TenantId}:{Status}", "invoices:tenant:{TenantId}")]
        public partial class TenantDashboard { }

        [SignalComputed("dashboard:overview", "dashboard:tenant:{TenantId}")]
        public partial record Overview;
        """);
}
