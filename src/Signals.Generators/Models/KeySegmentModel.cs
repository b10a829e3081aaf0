namespace Signals.Generators.Models;

/// <summary>One segment of a family key: a literal, or a reference to a factory parameter.</summary>
/// <param name="Literal">The literal text, or an empty string for a parameter.</param>
/// <param name="ParameterIndex">The index into <see cref="SignalFamilyModel.Parameters"/>, or -1 for a literal.</param>
internal readonly record struct KeySegmentModel(string Literal, int ParameterIndex)
{
    /// <summary>Gets a value indicating whether this segment is a literal.</summary>
    public bool IsLiteral => ParameterIndex < 0;
}
