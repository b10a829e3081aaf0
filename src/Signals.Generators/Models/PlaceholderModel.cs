using Signals.Generators.Helpers;

namespace Signals.Generators.Models;

/// <summary>One placeholder of a catalog entry: the arguments of a <c>Signals.SignalPlaceholder</c>.</summary>
/// <param name="Name">The placeholder's name, e.g. <c>Status</c> for <c>{Status}</c>.</param>
/// <param name="Kind">The <c>Signals.SignalPlaceholderKind</c> member, e.g. <c>Enum</c>.</param>
/// <param name="TypeName">The formatted type's full CLR name (a wrapper's wrapped type), e.g. <c>Shop.OrderStatus</c> or <c>System.Int32</c>.</param>
/// <param name="IsNullable">Whether the property may be <see langword="null"/>, so a null gives no key.</param>
/// <param name="EnumMembers">An enum's member names in declaration order; empty for another kind.</param>
internal sealed record PlaceholderModel(string Name, string Kind, string TypeName, bool IsNullable, EquatableArray<string> EnumMembers);
