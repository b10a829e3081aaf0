using Signals.Generators.Helpers;

namespace Signals.Generators.Models;

/// <summary>One <c>[SignalFamily]</c> (a key factory and its entry in <c>AddSignalKeys</c>), or the key of a <c>[SignalValue]</c>.</summary>
/// <param name="Template">The full template including the namespace, e.g. <c>chat:room:{RoomId}</c> (for docs).</param>
/// <param name="MethodName">The key factory's name, e.g. <c>Room</c>.</param>
/// <param name="Accessibility">The factory's accessibility: <c>public</c>, or <c>internal</c> when a parameter type is not public.</param>
/// <param name="Segments">The key's segments in order; the first is always a literal.</param>
/// <param name="Parameters">The factory's parameters, in template order.</param>
internal sealed record SignalFamilyModel(
    string Template,
    string MethodName,
    string Accessibility,
    EquatableArray<KeySegmentModel> Segments,
    EquatableArray<SignalParameterModel> Parameters);
