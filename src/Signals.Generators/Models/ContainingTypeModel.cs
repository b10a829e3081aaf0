namespace Signals.Generators.Models;

/// <summary>A type that contains an annotated type; the generator re-declares it <c>partial</c>.</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>record</c>, <c>struct</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The type's simple name.</param>
internal readonly record struct ContainingTypeModel(string Keyword, string Name);
