using Signals.Generators.Helpers;

namespace Signals.Generators.Models;

/// <summary>A <c>[SignalValue]</c> type: its key (fixed, or a template whose placeholders are <see cref="string"/> parameters) and its counters.</summary>
/// <param name="Key">The key, as a family named <c>Value</c>; no parameters means the fixed key <c>Keys.Value</c>.</param>
/// <param name="IsReferenceType">Whether the value type is a reference type, so <c>SetAsync</c> rejects <see langword="null"/>.</param>
/// <param name="Counters">The public <see cref="int"/> and <see cref="long"/> properties, each with an atomic <c>Increment…Async</c>.</param>
internal sealed record ValueSignalModel(
    SignalFamilyModel Key,
    bool IsReferenceType,
    EquatableArray<CounterModel> Counters);
