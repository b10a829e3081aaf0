using Signals.Generators.Helpers;

namespace Signals.Generators.Models;

/// <summary>One entry of the generated catalog: the arguments of a <c>Signals.SignalDescriptor</c>.</summary>
/// <param name="Pattern">The key or template, namespace included, e.g. <c>chat:room:{RoomId}</c>.</param>
/// <param name="ClrType">The declaring type's full CLR name, e.g. <c>Chat.ChatMessage</c>.</param>
/// <param name="Kind">The <c>Signals.SignalKind</c> member: <c>Signal</c>, <c>Family</c>, <c>Value</c> or <c>Computed</c>.</param>
/// <param name="Placeholders">The template's placeholders, in template order; empty for a fixed key.</param>
/// <param name="ValueType">
/// For a value signal, its type as generated code names it (<c>global::Shop.ShopSettings</c>), the <c>T</c> of the entry's
/// <c>SignalValueType.Create&lt;T&gt;()</c>; <see langword="null"/> for another kind, or for a type the catalog's file cannot name
/// (private or protected inside another type).
/// </param>
/// <param name="Inputs">For a computed signal, its inputs' patterns (<c>SignalDescriptor.Inputs</c>); otherwise <see langword="null"/>.</param>
internal readonly record struct CatalogEntryModel(
    string Pattern, string ClrType, string Kind, EquatableArray<PlaceholderModel> Placeholders, string? ValueType, EquatableArray<string>? Inputs = null);
