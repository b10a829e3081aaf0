namespace Signals.Generators.Parsing;

/// <summary>One segment of a key or template as written, before the namespace is prefixed.</summary>
/// <param name="Text">The segment's text, e.g. <c>room</c> or <c>{RoomId}</c>.</param>
/// <param name="Offset">The segment's position in the attribute's argument.</param>
/// <param name="Placeholder">The placeholder's name, or <see langword="null"/> for a literal.</param>
/// <param name="Error">Why the segment breaks the grammar (the diagnostic's reason), or <see langword="null"/> when it is well-formed.</param>
internal readonly record struct TemplateSegment(string Text, int Offset, string? Placeholder, string? Error);
