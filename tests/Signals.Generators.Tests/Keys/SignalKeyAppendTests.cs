namespace Signals.Generators.Tests.Keys;

/// <summary><see cref="SignalKey.Append(string, ReadOnlySpan{string})"/>, the runtime API generated factories use for literals after a placeholder.</summary>
public class SignalKeyAppendTests
{
    [Fact]
    public void Append_adds_literal_segments_then_escaped_arguments()
    {
        SignalKey key = SignalKey.Create("chat:user", "u:1").Append("room", "a%b", "c");

        Assert.Equal("chat:user:u%3A1:room:a%25b:c", key.Value);
        Assert.Equal(["chat", "user", "u:1", "room", "a%b", "c"], key.GetSegments());
        Assert.Equal(key, SignalKey.Parse(key.Value));
    }

    [Fact]
    public void Append_without_arguments_adds_literals_only()
        => Assert.Equal("chat:room:x:typing:now", SignalKey.Create("chat:room", "x").Append("typing:now").Value);

    [Fact]
    public void Append_leaves_the_original_key_unchanged()
    {
        SignalKey room = SignalKey.Create("chat:room", "x");
        _ = room.Append("typing");

        Assert.Equal("chat:room:x", room.Value);
    }

    [Fact]
    public void Append_to_default_key_throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => default(SignalKey).Append("room"));
        Assert.Contains("default(SignalKey)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData(":room")]
    [InlineData("room:")]
    [InlineData("a::b")]
    public void Append_rejects_a_literal_that_is_not_literal(string literal)
    {
        var error = Assert.Throws<ArgumentException>(() => SignalKey.Create("chat").Append(literal));
        Assert.Equal("literal", error.ParamName);
    }

    [Fact]
    public void Append_rejects_null_and_empty_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => SignalKey.Create("chat").Append(null!));
        Assert.Throws<ArgumentNullException>(() => SignalKey.Create("chat").Append("room", [null!]));
        Assert.Throws<ArgumentException>(() => SignalKey.Create("chat").Append("room", ""));
    }

    [Fact]
    public void Append_enforces_the_length_limit()
    {
        SignalKey key = SignalKey.Create("chat:room", new string('a', 490)); // 500 characters; ":x:" adds 3 more

        Assert.Equal(SignalKey.MaxByteCount, key.Append("x", new string('b', 9)).Value.Length);
        var error = Assert.Throws<ArgumentException>(() => key.Append("x", new string('b', 10)));
        Assert.Contains("at most 512", error.Message, StringComparison.Ordinal);
    }
}
