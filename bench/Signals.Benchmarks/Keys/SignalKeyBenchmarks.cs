using BenchmarkDotNet.Attributes;

namespace Signals.Benchmarks.Keys;

/// <summary>
/// Formatting and parsing keys: what every generated key factory (<see cref="SignalKey.Create(string, ReadOnlySpan{string})"/>,
/// <see cref="SignalKey.FormatArgument{T}(T)"/>) and every key read from the wire or the outbox
/// (<see cref="SignalKey.TryParse(string?, out SignalKey, out string?)"/>) costs.
/// </summary>
/// <remarks>Inputs are instance fields, so the JIT cannot fold them into constants.</remarks>
[MemoryDiagnoser]
public class SignalKeyBenchmarks
{
    private readonly string _literal = "chat:rooms";
    private readonly string _family = "chat:room:general";
    private readonly string _escaped = "chat:room:a%3Ab%25c";
    private readonly string _invalid = "chat:room:a b";
    private readonly string _prefix = "chat:room";
    private readonly string _argument = "general";
    private readonly string _argumentToEscape = "a:b%c";
    private readonly Guid _guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private readonly long _id = 1_234_567;

    [Benchmark]
    public SignalKey Parse_literal() => SignalKey.Parse(_literal);

    [Benchmark]
    public SignalKey Parse_family() => SignalKey.Parse(_family);

    [Benchmark]
    public SignalKey Parse_escaped_argument() => SignalKey.Parse(_escaped);

    [Benchmark]
    public bool TryParse_invalid() => SignalKey.TryParse(_invalid, out _, out _);

    [Benchmark]
    public SignalKey Create_family() => SignalKey.Create(_prefix, _argument);

    [Benchmark]
    public SignalKey Create_escaped_argument() => SignalKey.Create(_prefix, _argumentToEscape);

    [Benchmark]
    public SignalKey Create_guid_argument() => SignalKey.Create(_prefix, SignalKey.FormatArgument(_guid));

    [Benchmark]
    public SignalKey Create_long_argument() => SignalKey.Create(_prefix, SignalKey.FormatArgument(_id));

    [Benchmark]
    public IReadOnlyList<string> GetSegments_escaped() => SignalKey.Parse(_escaped).GetSegments();
}
