using Signals.Generators.Helpers;

namespace Signals.Generators.Models;

/// <summary>One entry of the generated catalog: the arguments of a <c>Signals.SignalDescriptor</c>.</summary>
/// <param name="Pattern">The key or template, namespace included, e.g. <c>chat:room:{RoomId}</c>.</param>
/// <param name="ClrType">The declaring type's full CLR name, e.g. <c>Chat.ChatMessage</c>.</param>
/// <param name="Kind">The <c>Signals.SignalKind</c> member: <c>Signal</c>, <c>Family</c> or <c>Value</c>.</param>
/// <param name="Placeholders">The template's placeholders, in template order; empty for a fixed key.</param>
internal readonly record struct CatalogEntryModel(string Pattern, string ClrType, string Kind, EquatableArray<PlaceholderModel> Placeholders);
