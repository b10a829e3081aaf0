namespace Signals.EntityFrameworkCore;

/// <summary>One part of a captured key: literal text (separators included), or a column formatted and escaped as a key argument.</summary>
/// <param name="Literal">The literal text (e.g. <c>chat:room:</c>), or <see langword="null"/> for a column.</param>
/// <param name="Column">The column read, or <see langword="null"/> for literal text.</param>
/// <param name="Format">How the column's value becomes the argument.</param>
/// <param name="Property">The entity property the column maps (for messages).</param>
/// <param name="EnumMembers">For an enum property: each member's number and name; otherwise <see langword="null"/>.</param>
internal sealed record CapturePart(
    string? Literal,
    string? Column = null,
    CaptureFormat Format = CaptureFormat.Text,
    string? Property = null,
    IReadOnlyList<KeyValuePair<long, string>>? EnumMembers = null)
{
    /// <inheritdoc/>
    public bool Equals(CapturePart? other)
        => other is not null && Literal == other.Literal && Column == other.Column && Format == other.Format && Property == other.Property
           && (EnumMembers ?? []).SequenceEqual(other.EnumMembers ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Literal, Column, Format, Property);
}
