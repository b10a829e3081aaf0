using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Signals.Generators.Parsing;

namespace Signals.Generators.Tests.Keys;

/// <summary>
/// The generator and the runtime share one key grammar (<c>src/Shared/SignalKeyGrammar.cs</c>, linked into both): a fixed key the
/// generator accepts is one <see cref="SignalKey.Create(string)"/> accepts, and the other way round, up to the 512-byte limit.
/// </summary>
public class KeyGrammarTests
{
    /// <summary>Keys at the edges of the grammar: characters, separators, escapes, placeholders, and the byte limit.</summary>
    public static readonly TheoryData<string> EdgeKeys = new(
        "a", "chat:room", "Chat.Room_1-x:9", "", ":", "a:", ":a", "a::b", "a b", "a/b", "café", "a%3Ab", "a{b", "{Id}", "room:{Id}",
        "a\nb", "a\"b", "a\\b", "emoji:\U0001F600", new string('x', 512), new string('x', 513), "a:" + new string('b', 510), "a:" + new string('b', 511));

    [Theory]
    [InlineData("chat", true)]
    [InlineData("a.b-c_d", true)]
    [InlineData("9", true)]
    [InlineData("", false)]
    [InlineData("chat:room", false)]
    [InlineData("chat room", false)]
    [InlineData("café", false)]
    [InlineData("{RoomId}", false)]
    [InlineData("%41", false)]
    public void Literal_segment_grammar_matches_the_runtime(string value, bool expected)
    {
        Assert.Equal(expected, SignalKeyGrammar.IsLiteralSegment(value));
        Assert.Equal(expected, TryCreate(value) && !value.Contains(':', StringComparison.Ordinal));
    }

    [Fact]
    public void The_generator_accepts_exactly_the_fixed_keys_the_runtime_accepts()
    {
        // One compilation, one [Signal] per line, checked by the analyzer a build runs: a key is accepted when its line has no diagnostic.
        string[] keys = [.. EdgeKeys];
        const int FirstLine = 2;
        var source = new StringBuilder("using Signals;\nnamespace App;\n");
        for (int i = 0; i < keys.Length; i++)
        {
            source.Append(CultureInfo.InvariantCulture, $"[Signal({SymbolDisplay.FormatLiteral(keys[i], quote: true)})] public partial class T{i} {{ }}\n");
        }

        Diagnostic[] diagnostics = GeneratorHarness.Analyze(source.ToString());
        var rejectedLines = diagnostics.Select(d => d.Location.GetLineSpan().StartLinePosition.Line).ToHashSet();
        Assert.All(diagnostics, d => Assert.Contains(d.Id, (string[])["SIG0004", "SIG0012"]));

        for (int i = 0; i < keys.Length; i++)
        {
            bool generator = !rejectedLines.Contains(FirstLine + i);
            Assert.True(generator == TryCreate(keys[i]), $"'{keys[i]}' (length {keys[i].Length}): the generator {(generator ? "accepts" : "rejects")} it, the runtime does not.");
        }

        Assert.Contains(diagnostics, d => d.Id == "SIG0012"); // the byte limit is among the reasons, not only the characters
    }

    [Fact]
    public void Random_fixed_keys_get_the_same_verdict_from_the_generator_and_the_runtime()
    {
        var random = new Random(20260512);
        const string Alphabet = "aZ09_.-::%{} é\n/";
        for (int run = 0; run < 5_000; run++)
        {
            // Mostly short strings over characters at the grammar's edges; some long literal ones around the byte limit.
            string key = run % 10 == 0
                ? new string('k', random.Next(500, 520)) + (random.Next(2) == 0 ? string.Empty : ":" + new string('v', random.Next(1, 4)))
                : new string([.. Enumerable.Range(0, random.Next(0, 10)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);

            Assert.True(GeneratorAccepts(key) == TryCreate(key), $"'{key}' (length {key.Length}) gets different verdicts.");
        }
    }

    [Theory]
    [MemberData(nameof(EdgeKeys))]
    [InlineData("chat:room:a%3Ab")]
    [InlineData("chat:room:a%3ab")]
    [InlineData("chat:room:%41")]
    [InlineData("chat:room:a b:café")]
    [InlineData("chat:room:a%0Ab")]
    [InlineData("chat:room:\ud800")]
    public void Both_copies_of_the_grammar_validate_a_key_alike(string key)
    {
        // The generator's copy (netstandard2.0) against SignalKey.TryParse, which runs the runtime's copy (net10.0).
        string? generator = SignalKeyGrammar.Validate(key);
        bool runtime = SignalKey.TryParse(key, out _, out string? runtimeError);

        Assert.Equal(runtime, generator is null);
        Assert.Equal(runtimeError, generator);
    }

    /// <summary>What the declaration parser accepts for <c>[Signal("key")]</c> without a namespace: every segment well-formed, and short enough.</summary>
    private static bool GeneratorAccepts(string key)
    {
        List<TemplateSegment> segments = KeyTemplateParser.Split(key, allowPlaceholders: false, hasNamespace: false);
        return segments.All(s => s.Error is null) && KeyTemplateParser.MinimumLength(key, segments) <= SignalKeyGrammar.MaxByteCount;
    }

    private static bool TryCreate(string literal)
    {
        try
        {
            _ = SignalKey.Create(literal);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
