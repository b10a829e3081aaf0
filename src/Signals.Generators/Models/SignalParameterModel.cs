namespace Signals.Generators.Models;

/// <summary>A family placeholder bound to a property: a key factory parameter and a value read in <c>AddSignalKeys</c>.</summary>
/// <param name="PropertyName">The property's name, as passed to <c>ISignalValueReader.GetValue</c>.</param>
/// <param name="ParameterName">The factory parameter's name (camelCase, <c>@</c>-escaped when it is a keyword).</param>
/// <param name="ParameterType">The parameter's fully qualified, non-nullable type, e.g. <c>string</c> or <c>global::System.Guid</c>.</param>
/// <param name="ValueType">The type read from the value reader: the property's type, nullable when it can hold <see langword="null"/>.</param>
/// <param name="IsNullable">Whether the value may be <see langword="null"/> (a reference type or <c>Nullable&lt;T&gt;</c>), so a null yields no key.</param>
/// <param name="IsNullableValueType">Whether the value is a <c>Nullable&lt;T&gt;</c>, unwrapped with <c>.Value</c>.</param>
internal readonly record struct SignalParameterModel(
    string PropertyName,
    string ParameterName,
    string ParameterType,
    string ValueType,
    bool IsNullable,
    bool IsNullableValueType);
