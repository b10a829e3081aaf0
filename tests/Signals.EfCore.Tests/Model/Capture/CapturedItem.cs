namespace Signals.EntityFrameworkCore.Tests.Model.Capture;

/// <summary>An entity whose keys use every placeholder type a trigger formats (but <see cref="DateTimeOffset"/>, see <see cref="CapturedMoment"/>).</summary>
[SignalNamespace("cap")]
[Signal("items")]
[SignalFamily("s:{Name}")]
[SignalFamily("n:{Nickname}")]
[SignalFamily("i:{Number}:l:{Big}:h:{Small}:u:{Count}:b:{Tiny}")]
[SignalFamily("f:{Flag}")]
[SignalFamily("g:{Token}:tail")]
[SignalFamily("e:{Mood}")]
[SignalFamily("es:{StoredMood}")]
[SignalFamily("d:{Day}")]
[SignalFamily("o:{Owner}")]
public partial class CapturedItem
{
    /// <summary>Gets or sets the key.</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets a string argument (random text, escapes included).</summary>
    public string Name { get; set; } = "x";

    /// <summary>Gets or sets a nullable string argument: no key while it is <see langword="null"/>.</summary>
    public string? Nickname { get; set; }

    /// <summary>Gets or sets an <see cref="int"/> argument.</summary>
    public int Number { get; set; }

    /// <summary>Gets or sets a <see cref="long"/> argument.</summary>
    public long Big { get; set; }

    /// <summary>Gets or sets a <see cref="short"/> argument.</summary>
    public short Small { get; set; }

    /// <summary>Gets or sets a <see cref="uint"/> argument.</summary>
    public uint Count { get; set; }

    /// <summary>Gets or sets a <see cref="byte"/> argument.</summary>
    public byte Tiny { get; set; }

    /// <summary>Gets or sets a Boolean argument.</summary>
    public bool Flag { get; set; }

    /// <summary>Gets or sets a Guid argument.</summary>
    public Guid Token { get; set; }

    /// <summary>Gets or sets an enum argument stored as its number.</summary>
    public Mood Mood { get; set; }

    /// <summary>Gets or sets an enum argument stored as its name.</summary>
    public Mood StoredMood { get; set; }

    /// <summary>Gets or sets a date argument.</summary>
    public DateOnly Day { get; set; }

    /// <summary>Gets or sets a single-value wrapper argument, stored as its Guid.</summary>
    public OwnerId Owner { get; set; }
}

/// <summary>A strongly typed id: its key argument is <see cref="Value"/>'s.</summary>
/// <param name="Value">The wrapped Guid.</param>
public readonly record struct OwnerId(Guid Value);

/// <summary>An enum formatted by name.</summary>
public enum Mood
{
    /// <summary>Happy.</summary>
    Happy,

    /// <summary>Sad.</summary>
    Sad = 5,

    /// <summary>Angry.</summary>
    Angry = -3,
}
