using System.Globalization;
using System.Text.Json;

namespace Signals.Runtime.Tests.Keys;

public class SignalKeyTests
{
    [Theory]
    [InlineData("chat", "chat")]
    [InlineData("chat:room:general", "chat")]
    [InlineData("app.v2:theme_dark-mode", "app.v2")]
    [InlineData("chat:room:a%3Ab", "chat")]
    [InlineData("chat:room:100%25", "chat")]
    [InlineData("chat:room:line%0Afeed", "chat")]
    [InlineData("chat:room:hello world", "chat")]
    [InlineData("chat:room:Zürich", "chat")]
    [InlineData("chat:room:😀", "chat")]
    public void Parse_accepts_canonical_keys(string value, string expectedNamespace)
    {
        SignalKey key = SignalKey.Parse(value);

        Assert.Equal(value, key.Value);
        Assert.Equal(expectedNamespace, key.Namespace);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData(":chat", "Empty segment at position 0")]
    [InlineData("chat::room", "Empty segment at position 5")]
    [InlineData("chat:", "Empty segment at position 5")]
    [InlineData("ch at:room", "Invalid character U+0020 at position 2")]
    [InlineData("chät:room", "Invalid character 'ä' (U+00E4) at position 2")]
    [InlineData("chat:room:a\nb", "Invalid character U+000A at position 11")]
    [InlineData("chat:room:50%", "Invalid escape at position 12")]
    [InlineData("chat:room:%3a", "Invalid escape at position 10")]
    [InlineData("chat:room:%41", "Non-canonical escape '%41' at position 10")]
    public void Parse_rejects_invalid_keys_naming_character_and_position(string value, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => SignalKey.Parse(value));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(SignalKey.TryParse(value, out SignalKey key, out string? reason));
        Assert.True(key.IsDefault);
        Assert.Equal(error.Message, reason);
    }

    [Fact]
    public void Parse_rejects_a_lone_surrogate()
    {
        // Not an [InlineData] case: attribute strings are stored as UTF-8, which replaces a lone surrogate with U+FFFD.
        string value = "chat:room:" + '\uD800' + "x";

        FormatException error = Assert.Throws<FormatException>(() => SignalKey.Parse(value));

        Assert.Contains("Invalid character U+D800 at position 10: a lone surrogate is not text.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_rejects_keys_longer_than_512_utf8_bytes()
    {
        string fits = "n:" + new string('a', SignalKey.MaxByteCount - 2);
        string tooLong = "n:" + new string('é', 256); // 2 + 512 bytes

        Assert.Equal(fits, SignalKey.Parse(fits).Value);
        FormatException error = Assert.Throws<FormatException>(() => SignalKey.Parse(tooLong));
        Assert.Contains("at most 512 UTF-8 bytes; this one is 514", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_escapes_arguments_so_they_cannot_forge_another_key()
    {
        SignalKey forged = SignalKey.Create("chat:room", "general:admin");
        SignalKey percent = SignalKey.Create("chat:room", "%3A");
        SignalKey newline = SignalKey.Create("chat:room", "a\r\nid: 99");

        Assert.Equal("chat:room:general%3Aadmin", forged.Value);
        Assert.NotEqual(SignalKey.Parse("chat:room:general:admin"), forged);
        Assert.Equal("chat:room:%253A", percent.Value);
        Assert.Equal("chat:room:a%0D%0Aid%3A 99", newline.Value);
        Assert.Equal(["chat", "room", "general:admin"], forged.GetSegments());
        Assert.Equal(["chat", "room", "%3A"], percent.GetSegments());
        Assert.Equal(["chat", "room", "a\r\nid: 99"], newline.GetSegments());
    }

    [Fact]
    public void Created_keys_round_trip_through_Parse()
    {
        string[] arguments = ["plain", "a:b", "100%", "tab\there", "Zürich", "😀", "::%%::"];
        foreach (string argument in arguments)
        {
            SignalKey created = SignalKey.Create("ns:family", argument);

            SignalKey parsed = SignalKey.Parse(created.Value);

            Assert.Equal(created, parsed);
            Assert.Equal(argument, parsed.GetSegments()[2]);
        }
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("chat:", "Empty segment")]
    [InlineData("chat room", "Invalid character U+0020 at position 4")]
    [InlineData("chat:a%3Ab", "Invalid character '%'")]
    public void Create_rejects_a_prefix_that_is_not_literal(string prefix, string expected)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => SignalKey.Create(prefix, "x"));

        Assert.Equal("prefix", error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_rejects_empty_and_malformed_arguments()
    {
        Assert.Contains("must not be empty", Assert.Throws<ArgumentException>(() => SignalKey.Create("chat:room", "")).Message, StringComparison.Ordinal);
        Assert.Contains("lone surrogate U+D800", Assert.Throws<ArgumentException>(() => SignalKey.Create("chat:room", "a\uD800")).Message, StringComparison.Ordinal);
        Assert.Contains("at most 512", Assert.Throws<ArgumentException>(() => SignalKey.Create("chat:room", new string('x', 600))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatArgument_is_culture_invariant()
    {
        CultureInfo previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            Assert.Equal("1234567", SignalKey.FormatArgument(1_234_567));
            Assert.Equal("1.5", SignalKey.FormatArgument(1.5m));
            Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", SignalKey.FormatArgument(Guid.Parse("0F8FAD5B-D9CB-469F-A165-70867728950E")));
            Assert.Equal("true", SignalKey.FormatArgument(true));
            Assert.Equal("2026-11-21", SignalKey.FormatArgument(new DateOnly(2026, 11, 21)));
            Assert.Equal("2026-11-21T08:30:00.0000000+01:00", SignalKey.FormatArgument(new DateTimeOffset(2026, 11, 21, 8, 30, 0, TimeSpan.FromHours(1))));
            Assert.Equal("Friday", SignalKey.FormatArgument(DayOfWeek.Friday));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Keys_compare_ordinally_and_case_sensitively()
    {
        SignalKey lower = SignalKey.Parse("chat:room:a");
        SignalKey upper = SignalKey.Parse("chat:room:A");

        Assert.NotEqual(lower, upper);
        Assert.True(upper < lower);
        Assert.Equal(SignalKey.Parse("chat:room:a"), lower);
        Assert.Equal(lower.GetHashCode(), SignalKey.Parse("chat:room:a").GetHashCode());
    }

    [Fact]
    public void Json_reads_and_writes_keys_as_strings_and_property_names()
    {
        var map = new Dictionary<SignalKey, SignalKey> { [SignalKey.Parse("a:b")] = SignalKey.Create("c:d", "e:f") };

        string json = JsonSerializer.Serialize(map);
        Dictionary<SignalKey, SignalKey>? back = JsonSerializer.Deserialize<Dictionary<SignalKey, SignalKey>>(json);

        Assert.Equal("""{"a:b":"c:d:e%3Af"}""", json);
        Assert.Equal(map, back);
    }

    [Theory]
    [InlineData("\"chat::x\"", "Invalid signal key: Empty segment at position 5")]
    [InlineData("42", "must be a JSON string")]
    public void Json_rejects_invalid_keys_with_the_reason(string json, string expected)
    {
        JsonException error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SignalKey>(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
