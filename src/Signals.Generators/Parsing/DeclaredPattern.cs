using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Signals.Generators.Parsing;

/// <summary>
/// A key or template declared in the compilation, kept by the analyzer to find duplicates, overlaps, and computed signals' unknown inputs
/// and cycles (never a pipeline model).
/// </summary>
/// <param name="Pattern">The key or template, namespace included.</param>
/// <param name="TypeName">The declaring type, as messages show it.</param>
/// <param name="Location">The declaring attribute.</param>
/// <param name="Inputs">A computed signal's inputs (<c>[SignalComputed]</c>); <see langword="null"/> for any other declaration.</param>
internal sealed record DeclaredPattern(string Pattern, string TypeName, Location? Location, IReadOnlyList<string>? Inputs = null);
