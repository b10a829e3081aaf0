using System.Globalization;
using System.Text.Json;
using Signals.Protocol;

namespace Signals.Runtime.Tests.Catalog;

/// <summary>
/// <see cref="SignalPlaceholder.Accepts"/> and <see cref="SignalDescriptor.Accepts"/>: an argument is accepted exactly when a generated key
/// factory can write it, that is when <see cref="SignalKey.FormatArgument{T}(T)"/> gives it for some value of the placeholder's type.
/// </summary>
public class SignalPlaceholderTests
{
    private static readonly SignalPlaceholder Status = new("Status", SignalPlaceholderKind.Enum, "Shop.Order+OrderStatus", enumMembers: ["Pending", "Paid", "Shipped"]);

    private static readonly (string TypeName, Func<Random, object> Next, Func<string, bool> Parses)[] Integers =
    [
        ("System.SByte", r => (sbyte)r.Next(sbyte.MinValue, sbyte.MaxValue + 1), s => sbyte.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out sbyte v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.Byte", r => (byte)r.Next(0, 256), s => byte.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out byte v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.Int16", r => (short)r.Next(short.MinValue, short.MaxValue + 1), s => short.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out short v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.UInt16", r => (ushort)r.Next(0, ushort.MaxValue + 1), s => ushort.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ushort v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.Int32", r => r.Next(int.MinValue, int.MaxValue), s => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.UInt32", r => (uint)r.NextInt64(0, uint.MaxValue + 1L), s => uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uint v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.Int64", r => r.NextInt64(long.MinValue, long.MaxValue), s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.UInt64", r => (ulong)r.NextInt64() * 2, s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.IntPtr", r => (nint)r.NextInt64(long.MinValue, long.MaxValue), s => nint.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out nint v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.UIntPtr", r => (nuint)(ulong)r.NextInt64(), s => nuint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out nuint v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.Int128", r => new Int128((ulong)r.NextInt64(), (ulong)r.NextInt64()) * (r.Next(2) == 0 ? 1 : -1), s => Int128.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out Int128 v) && v.ToString(CultureInfo.InvariantCulture) == s),
        ("System.UInt128", r => new UInt128((ulong)r.NextInt64() * 2, (ulong)r.NextInt64()), s => UInt128.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out UInt128 v) && v.ToString(CultureInfo.InvariantCulture) == s),
    ];

    [Theory]
    [InlineData("Paid", null)]
    [InlineData("paid", "'paid' is not a member of OrderStatus: Pending, Paid, Shipped")]
    [InlineData("1", "'1' is not a member of OrderStatus: Pending, Paid, Shipped")]
    [InlineData("Paid, Shipped", "'Paid, Shipped' is not a member of OrderStatus: Pending, Paid, Shipped")]
    public void An_enum_accepts_its_member_names_exactly(string argument, string? expected)
    {
        Assert.Equal(expected is null, Status.Accepts(argument, out string? error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("System.Int32", "42", null)]
    [InlineData("System.Int32", "-2147483648", null)]
    [InlineData("System.Int32", "abc", "'abc' is not an Int32: expected an integer from -2147483648 to 2147483647, with no '+' or leading zeros")]
    [InlineData("System.Int32", "2147483648", "'2147483648' is not an Int32: expected an integer from -2147483648 to 2147483647, with no '+' or leading zeros")]
    [InlineData("System.Int32", "007", "'007' is not an Int32: expected an integer from -2147483648 to 2147483647, with no '+' or leading zeros")]
    [InlineData("System.Int32", "+7", "'+7' is not an Int32: expected an integer from -2147483648 to 2147483647, with no '+' or leading zeros")]
    [InlineData("System.Int32", "-0", "'-0' is not an Int32: expected an integer from -2147483648 to 2147483647, with no '+' or leading zeros")]
    [InlineData("System.Int32", " 7", "' 7' is not an Int32: expected an integer from -2147483648 to 2147483647, with no '+' or leading zeros")]
    [InlineData("System.Byte", "-1", "'-1' is not a Byte: expected an integer from 0 to 255, with no '+' or leading zeros")]
    [InlineData("System.UInt64", "18446744073709551615", null)]
    [InlineData("System.UInt128", "340282366920938463463374607431768211455", null)]
    [InlineData("System.Int128", "-170141183460469231731687303715884105728", null)]
    [InlineData("System.Int128", "170141183460469231731687303715884105728", "'170141183460469231731687303715884105728' is not an Int128: expected an integer from -170141183460469231731687303715884105728 to 170141183460469231731687303715884105727, with no '+' or leading zeros")]
    public void An_integer_accepts_its_invariant_form_within_its_types_range(string typeName, string argument, string? expected)
    {
        var placeholder = new SignalPlaceholder("Id", SignalPlaceholderKind.Integer, typeName);

        Assert.Equal(expected is null, placeholder.Accepts(argument, out string? error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(SignalPlaceholderKind.Boolean, "System.Boolean", "true", null)]
    [InlineData(SignalPlaceholderKind.Boolean, "System.Boolean", "True", "'True' is not a Boolean: expected 'true' or 'false'")]
    [InlineData(SignalPlaceholderKind.Guid, "System.Guid", "0f8fad5b-d9cb-469f-a165-70867728950e", null)]
    [InlineData(SignalPlaceholderKind.Guid, "System.Guid", "0F8FAD5B-D9CB-469F-A165-70867728950E", "'0F8FAD5B-D9CB-469F-A165-70867728950E' is not a Guid: expected its 'D' form in lower case, e.g. 0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData(SignalPlaceholderKind.Guid, "System.Guid", "0f8fad5bd9cb469fa16570867728950e", "'0f8fad5bd9cb469fa16570867728950e' is not a Guid: expected its 'D' form in lower case, e.g. 0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData(SignalPlaceholderKind.DateOnly, "System.DateOnly", "2024-05-17", null)]
    [InlineData(SignalPlaceholderKind.DateOnly, "System.DateOnly", "2024-5-17", "'2024-5-17' is not a DateOnly: expected yyyy-MM-dd, e.g. 2024-05-17")]
    [InlineData(SignalPlaceholderKind.DateOnly, "System.DateOnly", "2024-02-30", "'2024-02-30' is not a DateOnly: expected yyyy-MM-dd, e.g. 2024-05-17")]
    [InlineData(SignalPlaceholderKind.DateTimeOffset, "System.DateTimeOffset", "2024-05-17T08:30:00.0000000+02:00", null)]
    [InlineData(SignalPlaceholderKind.DateTimeOffset, "System.DateTimeOffset", "2024-05-17T08:30:00+02:00", "'2024-05-17T08:30:00+02:00' is not a DateTimeOffset: expected the ISO 8601 round-trip form ('O'), e.g. 2024-05-17T08:30:00.0000000+02:00")]
    [InlineData(SignalPlaceholderKind.DateTimeOffset, "System.DateTimeOffset", "2024-05-17T08:30:00.0000000Z", "'2024-05-17T08:30:00.0000000Z' is not a DateTimeOffset: expected the ISO 8601 round-trip form ('O'), e.g. 2024-05-17T08:30:00.0000000+02:00")]
    [InlineData(SignalPlaceholderKind.String, "System.String", "any: text %", null)]
    public void Other_kinds_accept_exactly_the_formatted_form(SignalPlaceholderKind kind, string typeName, string argument, string? expected)
    {
        var placeholder = new SignalPlaceholder("P", kind, typeName);

        Assert.Equal(expected is null, placeholder.Accepts(argument, out string? error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Every_formatted_value_is_accepted_and_random_text_only_when_it_is_a_formatted_value()
    {
        var random = new Random(1842);
        const string Alphabet = "0123456789-+ eE.,:%aF";
        foreach ((string typeName, Func<Random, object> next, Func<string, bool> parses) in Integers)
        {
            var placeholder = new SignalPlaceholder("Id", SignalPlaceholderKind.Integer, typeName);
            for (int i = 0; i < 500; i++)
            {
                string formatted = SignalKey.FormatArgument(next(random));
                Assert.True(placeholder.Accepts(formatted, out string? error), $"{typeName}: {error}");

                string text = new([.. Enumerable.Range(0, random.Next(1, 8)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
                Assert.True(parses(text) == placeholder.Accepts(text, out _), $"{typeName}: '{text}'");
            }
        }

        var guid = new SignalPlaceholder("G", SignalPlaceholderKind.Guid, "System.Guid");
        var date = new SignalPlaceholder("D", SignalPlaceholderKind.DateOnly, "System.DateOnly");
        var time = new SignalPlaceholder("T", SignalPlaceholderKind.DateTimeOffset, "System.DateTimeOffset");
        var flag = new SignalPlaceholder("B", SignalPlaceholderKind.Boolean, "System.Boolean");
        for (int i = 0; i < 500; i++)
        {
            var at = new DateTimeOffset(random.NextInt64(DateTimeOffset.MinValue.Ticks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1)));
            Assert.True(guid.Accepts(SignalKey.FormatArgument(Guid.NewGuid()), out _));
            Assert.True(date.Accepts(SignalKey.FormatArgument(DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber + 1))), out _));
            Assert.True(time.Accepts(SignalKey.FormatArgument(at), out string? timeError), timeError);
            Assert.True(flag.Accepts(SignalKey.FormatArgument(random.Next(2) == 0), out _));
            Assert.True(Status.Accepts(SignalKey.FormatArgument((OrderStatus)random.Next(3)), out _));
        }
    }

    [Fact]
    public void A_descriptor_checks_each_unescaped_argument_and_names_the_placeholder()
    {
        var descriptor = new SignalDescriptor("shop:order:{Id}:status:{Status}:at:{At}", "Shop.Order", SignalKind.Family,
        [
            new SignalPlaceholder("Id", SignalPlaceholderKind.Integer, "System.Int64"),
            Status,
            new SignalPlaceholder("At", SignalPlaceholderKind.DateTimeOffset, "System.DateTimeOffset", isNullable: true),
        ]);
        var at = new DateTimeOffset(2024, 5, 17, 8, 30, 0, TimeSpan.FromHours(2));
        SignalKey produced = SignalKey.Create("shop:order", SignalKey.FormatArgument(42L)).Append("status", SignalKey.FormatArgument(OrderStatus.Paid)).Append("at", SignalKey.FormatArgument(at));

        Assert.Equal("shop:order:42:status:Paid:at:2024-05-17T08%3A30%3A00.0000000+02%3A00", produced.Value);
        Assert.True(descriptor.Accepts(produced, out string? error), error);

        Assert.False(descriptor.Accepts(SignalKey.Parse("shop:order:42:status:paid:at:2024-05-17T08%3A30%3A00.0000000+02%3A00"), out error));
        Assert.Equal("'paid' is not a member of OrderStatus: Pending, Paid, Shipped (placeholder {Status} of 'shop:order:{Id}:status:{Status}:at:{At}').", error);
        Assert.False(descriptor.Accepts(SignalKey.Parse("shop:order:x:status:Paid:at:2024"), out error));
        Assert.StartsWith("'x' is not an Int64: expected an integer from", error, StringComparison.Ordinal);
        Assert.False(descriptor.Accepts(SignalKey.Parse("shop:order:42"), out error));
        Assert.Equal("'shop:order:42' does not match 'shop:order:{Id}:status:{Status}:at:{At}'.", error);
    }

    [Fact]
    public void Arguments_that_need_escaping_are_checked_unescaped()
    {
        var random = new Random(7);
        var descriptor = new SignalDescriptor("chat:room:{Name}", "Chat.Room", SignalKind.Family, [new SignalPlaceholder("Name", SignalPlaceholderKind.String, "System.String", isNullable: true)]);
        const string Alphabet = "ab:%\n\t/ é{}";
        for (int i = 0; i < 500; i++)
        {
            string name = new([.. Enumerable.Range(0, random.Next(1, 10)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            SignalKey key = SignalKey.Create("chat:room", SignalKey.FormatArgument(name));

            Assert.True(descriptor.Accepts(key, out string? error), error);
            Assert.Equal(name, key.GetSegments()[2]);
        }
    }

    [Fact]
    public void A_descriptor_without_placeholder_descriptions_accepts_any_argument_as_a_string()
    {
        var descriptor = new SignalDescriptor("chat:room:{RoomId}", "Chat.ChatMessage", SignalKind.Family);

        SignalPlaceholder placeholder = Assert.Single(descriptor.Placeholders);
        Assert.Equal(new SignalPlaceholder("RoomId", SignalPlaceholderKind.String, "System.String"), placeholder);
        Assert.True(descriptor.Accepts(SignalKey.Parse("chat:room:anything%3Aat all"), out _));
        Assert.Empty(new SignalDescriptor("chat:rooms", "Chat.Room", SignalKind.Signal).Placeholders);
    }

    [Fact]
    public void Descriptors_with_equal_placeholders_are_equal()
    {
        SignalDescriptor first = new("shop:status:{Status}", "Shop.Order", SignalKind.Family, [Status]);
        SignalDescriptor second = new("shop:status:{Status}", "Shop.Order", SignalKind.Family,
            [new SignalPlaceholder("Status", SignalPlaceholderKind.Enum, "Shop.Order+OrderStatus", enumMembers: new List<string> { "Pending", "Paid", "Shipped" })]);

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, new SignalDescriptor("shop:status:{Status}", "Shop.Order", SignalKind.Family));
        Assert.Single(new SignalCatalog([first, second]).Descriptors);
    }

    [Fact]
    public void Bad_descriptions_are_refused_with_a_clear_error()
    {
        ArgumentException names = Assert.Throws<ArgumentException>(() => new SignalDescriptor("a:{X}:{Y}", "T", SignalKind.Family, [new SignalPlaceholder("Y", SignalPlaceholderKind.String, "System.String")]));
        Assert.StartsWith("The placeholders (Y) are not those of 'a:{X}:{Y}' (X, Y), in order.", names.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SignalPlaceholder("Id", SignalPlaceholderKind.Integer, "System.Double"));
        Assert.Throws<ArgumentException>(() => new SignalPlaceholder("Id", SignalPlaceholderKind.String, "System.String", enumMembers: ["A"]));
        Assert.Throws<ArgumentException>(() => new SignalPlaceholder("", SignalPlaceholderKind.String, "System.String"));
        Assert.Throws<ArgumentException>(() => new SignalPlaceholder("Id", (SignalPlaceholderKind)42, "System.String"));
        Assert.Throws<ArgumentNullException>(() => new SignalDescriptor(null!, "T", SignalKind.Signal));
    }

    [Fact]
    public void The_catalog_wire_shape_describes_each_placeholder()
    {
        var response = new SignalCatalogResponse([new SignalDescriptor("shop:order:{Id}:{Status}", "Shop.Order", SignalKind.Family,
            [new SignalPlaceholder("Id", SignalPlaceholderKind.Integer, "System.UInt64", isNullable: true), Status])]);

        string json = JsonSerializer.Serialize(response, SignalsJsonSerializerContext.Default.SignalCatalogResponse);

        Assert.Equal(
            """{"signals":[{"pattern":"shop:order:{Id}:{Status}","clrType":"Shop.Order","kind":"family","namespace":"shop","isTemplate":true,"placeholders":[{"name":"Id","kind":"integer","typeName":"System.UInt64","isNullable":true,"enumMembers":[],"minimum":"0","maximum":"18446744073709551615"},{"name":"Status","kind":"enum","typeName":"Shop.Order\u002BOrderStatus","isNullable":false,"enumMembers":["Pending","Paid","Shipped"]}]}]}""",
            json);
    }

    private enum OrderStatus
    {
        Pending,
        Paid,
        Shipped,
    }
}
