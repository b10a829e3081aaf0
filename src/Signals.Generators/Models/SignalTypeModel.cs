using Signals.Generators.Helpers;

namespace Signals.Generators.Models;

/// <summary>Everything the emitter needs for one annotated type; value-equatable, no symbols or syntax.</summary>
/// <param name="HintName">The generated file's hint name without <c>.g.cs</c>, e.g. <c>Chat.Outer.ChatMessage</c>.</param>
/// <param name="Namespace">The type's namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">The containing types, outermost first.</param>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>record</c>, <c>struct</c> or <c>record struct</c>.</param>
/// <param name="TypeName">The type's simple name, <c>@</c>-escaped when it is a keyword.</param>
/// <param name="FullyQualifiedName">The type as generated code names it, e.g. <c>global::Chat.Outer.ChatMessage</c>.</param>
/// <param name="ClrTypeName">The type's full CLR name for the catalog, e.g. <c>Chat.Outer+ChatMessage</c>.</param>
/// <param name="Client">The typed client accessors, or <see langword="null"/> when the type is not visible outside its containing types.</param>
/// <param name="HidesInheritedKeys">Whether a base type already has an accessible <c>Keys</c> member, so the generated one is declared <c>new</c>.</param>
/// <param name="HidesInheritedValues">Whether a base type already has an accessible <c>Values</c> member, so the generated one is declared <c>new</c>.</param>
/// <param name="Key">
/// The full <c>[Signal]</c> key (e.g. <c>chat:chat-message</c>), or a computed signal's fixed key; <see langword="null"/> when the type has
/// neither.
/// </param>
/// <param name="Families">The <c>[SignalFamily]</c> families, in declaration order, or a computed signal's template.</param>
/// <param name="Value">The <c>[SignalValue]</c> declaration, or <see langword="null"/> for an entity signal type.</param>
/// <param name="Computed">
/// The <c>[SignalComputed]</c> declaration (its key is <paramref name="Key"/> or the one family), or <see langword="null"/>.
/// </param>
internal sealed record SignalTypeModel(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Keyword,
    string TypeName,
    string FullyQualifiedName,
    string ClrTypeName,
    ClientModel? Client,
    bool HidesInheritedKeys,
    bool HidesInheritedValues,
    string? Key,
    EquatableArray<SignalFamilyModel> Families,
    ValueSignalModel? Value,
    ComputedSignalModel? Computed = null);
