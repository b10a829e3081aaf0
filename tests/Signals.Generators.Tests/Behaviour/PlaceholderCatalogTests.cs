using System.Reflection;
using System.Runtime.CompilerServices;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>
/// The catalog describes each placeholder as the generated factories format it: every key a factory writes, for random values of every
/// supported type (strings with characters that need escaping included), is accepted by its descriptor, and arguments no factory
/// writes are refused with a message naming the expected form.
/// </summary>
public class PlaceholderCatalogTests
{
    private const string Alphabet = "ab:%\n/ é{}-1";

    /// <summary>One family per supported type: its literal (the factory is named after it), its property type, random values, wrong arguments.</summary>
    private static readonly Family[] Families =
    [
        new("i8", "sbyte", r => (sbyte)r.Next(sbyte.MinValue, sbyte.MaxValue + 1), ["128", "-129", "01", "+1", "x"]),
        new("u8", "byte", r => (byte)r.Next(0, 256), ["256", "-1", "1.0"]),
        new("i16", "short", r => (short)r.Next(short.MinValue, short.MaxValue + 1), ["32768", "1e3"]),
        new("u16", "ushort", r => (ushort)r.Next(0, ushort.MaxValue + 1), ["65536", "-0"]),
        new("i32", "int", r => r.Next(int.MinValue, int.MaxValue), ["abc", "2147483648", "1,000", " 1"]),
        new("u32", "uint", r => (uint)r.NextInt64(0, uint.MaxValue + 1L), ["4294967296", "-1"]),
        new("i64", "long", r => r.NextInt64(long.MinValue, long.MaxValue), ["9223372036854775808", "0x10"]),
        new("u64", "ulong", r => (ulong)r.NextInt64() * 2, ["18446744073709551616", "-1"]),
        new("n", "nint", r => (nint)r.NextInt64(long.MinValue, long.MaxValue), ["9223372036854775808"]),
        new("un", "nuint", r => (nuint)(ulong)r.NextInt64(), ["-1"]),
        new("i128", "Int128", r => new Int128((ulong)r.NextInt64(), (ulong)r.NextInt64()) * (r.Next(2) == 0 ? 1 : -1), ["170141183460469231731687303715884105728"]),
        new("u128", "UInt128", r => new UInt128((ulong)r.NextInt64(), (ulong)r.NextInt64()), ["-1", "340282366920938463463374607431768211456"]),
        new("s", "string?", r => new string([.. Enumerable.Range(0, r.Next(1, 12)).Select(_ => Alphabet[r.Next(Alphabet.Length)])]), []),
        new("b", "bool", r => r.Next(2) == 0, ["True", "1", "yes"]),
        new("g", "Guid", _ => Guid.NewGuid(), ["0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5bd9cb469fa16570867728950e", "{0f8fad5b-d9cb-469f-a165-70867728950e}"]),
        new("e", "OrderStatus", r => r.Next(3), ["paid", "1", "Paid, Shipped", "Refunded"]),
        new("d", "DateOnly", r => DateOnly.FromDayNumber(r.Next(DateOnly.MaxValue.DayNumber + 1)), ["2024-5-17", "17.05.2024", "2024-02-30"]),
        new("t", "DateTimeOffset", r => new DateTimeOffset(r.NextInt64(DateTimeOffset.MinValue.Ticks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(r.Next(-840, 841))), ["2024-05-17T08:30:00+02:00", "2024-05-17"]),
        new("o", "OrderId", _ => Guid.NewGuid(), ["not-a-guid"]),
        new("c", "CustomerId?", r => "cust:" + r.Next(), []),
        new("opt", "int?", r => r.Next(), ["x"]),
    ];

    private static readonly Lazy<Assembly> Probe = new(() =>
    {
        string properties = string.Join("\n", Families.Select(f => $"    public {f.Type} {f.Property} {{ get; set; }}"));
        string families = string.Join("\n", Families.Select(f => $"[SignalFamily(\"{f.Literal}:{{{f.Property}}}\")]"));
        Assembly assembly = GeneratorHarness.CompileAndLoad($$"""
            using System;
            using Signals;
            namespace Ph;
            public enum OrderStatus { Pending, Paid, Shipped }
            public readonly record struct OrderId(Guid Value);
            public sealed record CustomerId(string Value);
            [SignalNamespace("ph")]
            {{families}}
            public partial class Everything
            {
            {{properties}}
            }
            """);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle); // registers the catalog
        return assembly;
    });

    [Fact]
    public void Every_key_a_generated_factory_writes_is_accepted_by_its_descriptor()
    {
        var random = new Random(20241);
        foreach (Family family in Families)
        {
            SignalDescriptor descriptor = Descriptor(family);
            for (int i = 0; i < 300; i++)
            {
                SignalKey key = CallFactory(family, family.Next(random));

                Assert.Same(descriptor, SignalCatalog.Registered.Find(key));
                Assert.True(descriptor.Accepts(key, out string? error), $"{key}: {error}");
            }
        }
    }

    [Fact]
    public void Arguments_no_factory_writes_are_refused_naming_the_expected_form()
    {
        foreach (Family family in Families)
        {
            SignalDescriptor descriptor = Descriptor(family);
            foreach (string wrong in family.Wrong)
            {
                SignalKey key = SignalKey.Create("ph:" + family.Literal, wrong);

                Assert.Same(descriptor, SignalCatalog.Registered.Find(key));
                Assert.False(descriptor.Accepts(key, out string? error), $"{key} was accepted for {family.Type}.");
                Assert.StartsWith($"'{wrong}' is not ", error, StringComparison.Ordinal);
                Assert.EndsWith($" (placeholder {{{family.Property}}} of 'ph:{family.Literal}:{{{family.Property}}}').", error, StringComparison.Ordinal);
            }
        }

        Assert.False(Descriptor(Families.Single(f => f.Literal == "e")).Accepts(SignalKey.Parse("ph:e:paid"), out string? message));
        Assert.Equal("'paid' is not a member of OrderStatus: Pending, Paid, Shipped (placeholder {E} of 'ph:e:{E}').", message);
    }

    [Fact]
    public void Placeholders_describe_the_formatted_type_unwrapped_and_its_nullability()
    {
        Assert.Equal(new SignalPlaceholder("O", SignalPlaceholderKind.Guid, "System.Guid"), Placeholder("o"));
        Assert.Equal(new SignalPlaceholder("C", SignalPlaceholderKind.String, "System.String", isNullable: true), Placeholder("c"));
        Assert.Equal(new SignalPlaceholder("Opt", SignalPlaceholderKind.Integer, "System.Int32", isNullable: true), Placeholder("opt"));
        Assert.Equal(new SignalPlaceholder("E", SignalPlaceholderKind.Enum, "Ph.OrderStatus", enumMembers: ["Pending", "Paid", "Shipped"]), Placeholder("e"));
        Assert.Equal((Int128)long.MinValue, Placeholder("i64").Minimum);
        Assert.Equal(UInt128.MaxValue, Placeholder("u128").Maximum);
    }

    private static SignalPlaceholder Placeholder(string literal) => Assert.Single(Descriptor(Families.Single(f => f.Literal == literal)).Placeholders);

    private static SignalDescriptor Descriptor(Family family)
    {
        _ = Probe.Value;
        return Assert.Single(SignalCatalog.Registered.Descriptors, d => d.Pattern == $"ph:{family.Literal}:{{{family.Property}}}");
    }

    /// <summary>Calls <c>Everything.Keys.{Property}(value)</c>, building the probe's enum or wrapper from the raw value first.</summary>
    private static SignalKey CallFactory(Family family, object value)
    {
        Type keys = Probe.Value.GetType("Ph.Everything+Keys", throwOnError: true)!;
        MethodInfo factory = keys.GetMethod(family.Property) ?? throw new InvalidOperationException($"No factory {family.Property}.");
        Type parameter = factory.GetParameters().Single().ParameterType;
        object argument = parameter.IsEnum ? Enum.ToObject(parameter, value)
            : parameter.Assembly == Probe.Value ? Activator.CreateInstance(parameter, value)!
            : value;
        return (SignalKey)factory.Invoke(null, [argument])!;
    }

    /// <summary>A family <c>ph:{Literal}:{Property}</c> over a property of type <see cref="Type"/>.</summary>
    private sealed record Family(string Literal, string Type, Func<Random, object> Next, string[] Wrong)
    {
        public string Property => char.ToUpperInvariant(Literal[0]) + Literal[1..];
    }
}
