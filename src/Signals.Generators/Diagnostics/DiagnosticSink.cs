using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Signals.Generators.Diagnostics;

/// <summary>
/// Collects what the parser finds wrong with a declaration. The analyzer reports the diagnostics; the generator only asks
/// <see cref="HasErrors"/> and skips the type, so both always agree on what is invalid.
/// </summary>
internal sealed class DiagnosticSink
{
    private readonly List<Diagnostic>? _diagnostics;

    private DiagnosticSink(List<Diagnostic>? diagnostics) => _diagnostics = diagnostics;

    /// <summary>Gets a value indicating whether any problem was found, reported or not.</summary>
    public bool HasErrors { get; private set; }

    /// <summary>Gets the diagnostics collected by a reporting sink, in the order they were found.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics ?? (IReadOnlyList<Diagnostic>)System.Array.Empty<Diagnostic>();

    /// <summary>Creates a sink that keeps diagnostics, for the analyzer.</summary>
    public static DiagnosticSink Reporting() => new([]);

    /// <summary>Creates a sink that only records that something was wrong, for the generator.</summary>
    public static DiagnosticSink Silent() => new(null);

    /// <summary>Records a problem and, in a reporting sink, its diagnostic.</summary>
    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] messageArgs)
    {
        HasErrors = true;
        _diagnostics?.Add(Diagnostic.Create(descriptor, location, messageArgs));
    }

    /// <summary>Records a problem that is reported elsewhere: by the compiler (a malformed attribute), or once for the assembly.</summary>
    public void Fail() => HasErrors = true;
}
