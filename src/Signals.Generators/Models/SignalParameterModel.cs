using Signals.Generators.Helpers;

namespace Signals.Generators.Models;

/// <summary>
/// A placeholder: a key factory parameter, and for a family the property read in <c>AddSignalKeys</c>.
/// </summary>
/// <param name="PropertyName">The placeholder's name: the family property passed to <c>ISignalValueReader.GetValue</c>, or the value signal's placeholder.</param>
/// <param name="ParameterName">The factory parameter's name (camelCase, <c>@</c>-escaped when it is a keyword).</param>
/// <param name="ParameterType">The parameter's fully qualified, non-nullable type, e.g. <c>string</c> or <c>global::System.Guid</c>.</param>
/// <param name="ValueType">The type read from the value reader: the property's type, nullable when it can hold <see langword="null"/>.</param>
/// <param name="IsNullable">Whether the value may be <see langword="null"/> (a reference type or <c>Nullable&lt;T&gt;</c>), so a null yields no key.</param>
/// <param name="IsNullableValueType">Whether the value is a <c>Nullable&lt;T&gt;</c>, unwrapped with <c>.Value</c>.</param>
/// <param name="WrapperMember">
/// For a single-value wrapper (a strongly typed id such as <c>readonly record struct RoomId(Guid Value)</c>), the escaped name of the
/// member that holds the wrapped value, formatted in its place; otherwise <see langword="null"/>.
/// </param>
/// <param name="IsReferenceWrapper">Whether the wrapper is a reference type, so the factory rejects <see langword="null"/> before reading it.</param>
/// <param name="Kind">What the formatted argument is, for the catalog: a <c>Signals.SignalPlaceholderKind</c> member, e.g. <c>Guid</c>.</param>
/// <param name="FormattedTypeName">The formatted type's full CLR name (a wrapper's wrapped type), e.g. <c>System.Guid</c>.</param>
/// <param name="EnumMembers">An enum's member names in declaration order; empty for another kind.</param>
internal readonly record struct SignalParameterModel(
    string PropertyName,
    string ParameterName,
    string ParameterType,
    string ValueType,
    bool IsNullable,
    bool IsNullableValueType,
    string? WrapperMember,
    bool IsReferenceWrapper,
    string Kind,
    string FormattedTypeName,
    EquatableArray<string> EnumMembers);
