using System.Text;
using Signals.EntityFrameworkCore.Tests.Model.Capture;

namespace Signals.EntityFrameworkCore.Tests.Capture;

/// <summary>Random entity values for the capture property tests, and the keys the generated code gives for them.</summary>
/// <param name="seed">The seed, printed by a failing assertion so that a run can be repeated.</param>
internal sealed class CaptureValues(int seed)
{
    private static readonly char[] Awkward = [':', '%', '\u0001', '\n', '\u001f', '\u007f', '\u0085', '\u009f', 'é', '中', ' ', '\'', '"', '\\', '{', '}'];

    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>The keys <see cref="ISignalSource.AddSignalKeys"/> gives for an instance's property values.</summary>
    public static string[] KeysOf(object entity)
    {
        var keys = new List<SignalKey>();
        ((ISignalSource)entity).AddSignalKeys(new PropertyReader(entity), keys);
        return [.. keys.Select(static k => k.Value).Distinct().Order(StringComparer.Ordinal)];
    }

    public CapturedItem Item(long id) => new()
    {
        Id = id,
        Name = Text(),
        Nickname = _random.Next(3) == 0 ? null : Text(),
        Number = _random.Next(4) == 0 ? int.MinValue : _random.Next(int.MinValue, int.MaxValue),
        Big = _random.Next(5) == 0 ? long.MinValue : _random.NextInt64(long.MinValue, long.MaxValue),
        Small = (short)_random.Next(short.MinValue, short.MaxValue + 1),
        Count = _random.Next(5) == 0 ? uint.MaxValue : (uint)_random.NextInt64(0, uint.MaxValue),
        Tiny = (byte)_random.Next(256),
        Flag = _random.Next(2) == 0,
        Token = Guid.NewGuid(),
        Mood = _random.Next(6) switch { 0 => (Mood)42, 1 => Mood.Sad, 2 => Mood.Angry, _ => Mood.Happy },
        StoredMood = (Mood)new[] { 0, 5, -3 }[_random.Next(3)],
        Day = DateOnly.FromDayNumber(_random.Next(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber)),
        Owner = new OwnerId(Guid.NewGuid()),
    };

    /// <summary>A point in time at PostgreSQL's precision (microseconds), offset zero, between years 1 and 9999.</summary>
    public DateTimeOffset Moment()
        => new(new DateTime(_random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks) / 10 * 10, DateTimeKind.Utc));

    /// <summary>1-24 characters, often awkward ones (escaped in keys, quoted in SQL), never U+0000 (PostgreSQL text cannot hold it).</summary>
    public string Text()
    {
        int length = _random.Next(1, 25);
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            switch (_random.Next(4))
            {
                case 0:
                    text.Append(Awkward[_random.Next(Awkward.Length)]);
                    break;
                case 1:
                    text.Append(char.ConvertFromUtf32(_random.Next(0x1F300, 0x1F600)));
                    break;
                default:
                    text.Append((char)_random.Next('0', 'z' + 1));
                    break;
            }
        }

        return text.ToString();
    }

    private sealed class PropertyReader(object entity) : ISignalValueReader
    {
        public T GetValue<T>(string propertyName) => (T)entity.GetType().GetProperty(propertyName)!.GetValue(entity)!;
    }
}
