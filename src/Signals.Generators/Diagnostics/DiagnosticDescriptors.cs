using Microsoft.CodeAnalysis;

namespace Signals.Generators.Diagnostics;

/// <summary>
/// The diagnostics of the analyzers (<c>Analyzers/SignalDeclarationAnalyzer</c>, and <c>Analyzers/BulkWriteAnalyzer</c> for SIG0015). IDs are never renumbered or reused; each has a page in
/// <c>docs/diagnostics/</c> and a line in <c>AnalyzerReleases.Unshipped.md</c>. Messages say what is wrong and how to fix it.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Usage";

    /// <summary><c>SIG0001</c>: "'{0}' must be partial so that the generator can add its keys: add the 'partial' modifier to every declaration of '{1}'".</summary>
    public static readonly DiagnosticDescriptor TypeNotPartial = Create(
        "SIG0001",
        "Signal type must be partial",
        "'{0}' must be partial so that the generator can add its keys: add the 'partial' modifier to every declaration of '{1}'");

    /// <summary><c>SIG0002</c>: "Placeholder '{{{0}}}' in '{1}' matches no readable instance property of '{2}': ...".</summary>
    public static readonly DiagnosticDescriptor UnknownPlaceholder = Create(
        "SIG0002",
        "Placeholder matches no property",
        "Placeholder '{{{0}}}' in '{1}' matches no readable instance property of '{2}': add a property named '{0}' or correct the placeholder (names are case-sensitive)");

    /// <summary><c>SIG0003</c>: "Property '{0}' of type '{1}' cannot be a key placeholder: {2}".</summary>
    public static readonly DiagnosticDescriptor UnsupportedPlaceholderType = Create(
        "SIG0003",
        "Unsupported placeholder type",
        "Property '{0}' of type '{1}' cannot be a key placeholder: {2}");

    /// <summary><c>SIG0004</c>: "Invalid segment '{0}' in {1}: {2}".</summary>
    public static readonly DiagnosticDescriptor InvalidSegment = Create(
        "SIG0004",
        "Invalid key segment",
        "Invalid segment '{0}' in {1}: {2}");

    /// <summary><c>SIG0005</c>: "'{0}' declared by '{1}' gives the same keys as '{2}' declared by '{3}': ...".</summary>
    public static readonly DiagnosticDescriptor DuplicateKey = Create(
        "SIG0005",
        "Duplicate signal key",
        "'{0}' declared by '{1}' gives the same keys as '{2}' declared by '{3}': give one of them another key or namespace",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary><c>SIG0006</c>: "'{0}' declared by '{1}' and '{2}' declared by '{3}' can both give the key '{4}': ...".</summary>
    public static readonly DiagnosticDescriptor OverlappingKeys = Create(
        "SIG0006",
        "Signal keys overlap",
        "'{0}' declared by '{1}' and '{2}' declared by '{3}' can both give the key '{4}': make them differ in a literal segment (or in their number of segments)",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary><c>SIG0007</c>: "'{0}' cannot declare signals because '{1}' is generic: ...".</summary>
    public static readonly DiagnosticDescriptor GenericType = Create(
        "SIG0007",
        "Signal type is generic",
        "'{0}' cannot declare signals because '{1}' is generic: a signal's keys are the same for every type argument, so declare them on a non-generic type");

    /// <summary><c>SIG0008</c>: "Value signal '{0}' has no usable default: {1}".</summary>
    public static readonly DiagnosticDescriptor NoUsableDefault = Create(
        "SIG0008",
        "Value signal has no usable default",
        "Value signal '{0}' has no usable default: {1}");

    /// <summary><c>SIG0009</c>: "'{0}' cannot declare signals because it is {1}: ...".</summary>
    public static readonly DiagnosticDescriptor UnsupportedTypeKind = Create(
        "SIG0009",
        "Type cannot declare signals",
        "'{0}' cannot declare signals because it is {1}: declare them on a non-static class, record or struct");

    /// <summary><c>SIG0010</c>: "'{0}' cannot hold the generated member '{1}': {2}".</summary>
    public static readonly DiagnosticDescriptor MemberConflict = Create(
        "SIG0010",
        "Member conflicts with generated code",
        "'{0}' cannot hold the generated member '{1}': {2}");

    /// <summary><c>SIG0011</c>: "Cannot name the key factory of '{0}' on '{1}': {2}".</summary>
    public static readonly DiagnosticDescriptor FactoryName = Create(
        "SIG0011",
        "Invalid or conflicting key factory",
        "Cannot name the key factory of '{0}' on '{1}': {2}");

    /// <summary>
    /// <c>SIG0012</c>: "'{0}' gives keys of at least {1} UTF-8 bytes, but a key is at most 512: shorten its literal segments" (the limit is
    /// <see cref="SignalKeyGrammar.MaxByteCount"/>).
    /// </summary>
    public static readonly DiagnosticDescriptor KeyTooLong = Create(
        "SIG0012",
        "Signal key is too long",
        "'{0}' gives keys of at least {1} UTF-8 bytes, but a key is at most " + SignalKeyGrammar.MaxByteCount.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": shorten its literal segments");

    /// <summary><c>SIG0013</c>: "Placeholder '{{{0}}}' appears more than once in '{1}': ...".</summary>
    public static readonly DiagnosticDescriptor RepeatedPlaceholder = Create(
        "SIG0013",
        "Placeholder appears twice",
        "Placeholder '{{{0}}}' appears more than once in '{1}': each placeholder is one argument, so use it once");

    /// <summary><c>SIG0014</c>: "'{0}' has both [SignalValue] and [Signal] or [SignalFamily]: ...".</summary>
    public static readonly DiagnosticDescriptor ValueAndEntitySignal = Create(
        "SIG0014",
        "Value signal also declares entity signals",
        "'{0}' has both [SignalValue] and [Signal] or [SignalFamily]: a value signal's key holds the value itself, so declare entity signals on another type");

    /// <summary>
    /// <c>SIG0015</c> (warning): "'{0}' on '{1}' bypasses the change tracker, so it bumps no signal of '{1}' and clients stay stale: call
    /// InvalidateSignalsAsync with the affected keys in the same transaction, or turn on capture for '{1}' (HasSignalCapture(), see docs/capture.md)".
    /// Reported by <c>Analyzers/BulkWriteAnalyzer</c> once the whole compilation is seen (an opt-in may come later in it).
    /// </summary>
    public static readonly DiagnosticDescriptor BulkWriteWithoutCapture = new(
        "SIG0015",
        "Bulk write of a signal entity without capture",
        "'{0}' on '{1}' bypasses the change tracker, so it bumps no signal of '{1}' and clients stay stale: call InvalidateSignalsAsync with the affected keys in the same transaction, or turn on capture for '{1}' (HasSignalCapture(), see docs/capture.md)",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: null,
        helpLinkUri: null,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>
    /// <c>SIG0016</c>: "The computed signal '{0}' declared by '{1}' has an unknown input: {2}". Reported once the whole compilation is seen,
    /// for a declaration without inputs and for an input no declaration of the compilation gives.
    /// </summary>
    public static readonly DiagnosticDescriptor UnknownComputedInput = Create(
        "SIG0016",
        "Unknown computed signal input",
        "The computed signal '{0}' declared by '{1}' has an unknown input: {2}",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>
    /// <c>SIG0017</c>: "The computed signal '{0}' declared by '{1}' has the placeholder '{{{2}}}', which its input '{3}' cannot supply: ...".
    /// </summary>
    public static readonly DiagnosticDescriptor UnsuppliedComputedPlaceholder = Create(
        "SIG0017",
        "Computed signal placeholder not supplied by an input",
        "The computed signal '{0}' declared by '{1}' has the placeholder '{{{2}}}', which its input '{3}' cannot supply: every placeholder of a computed key must be a placeholder of each input, with the same name; remove it from the key or add it to the input");

    /// <summary><c>SIG0018</c>: "The computed signal '{0}' declared by '{1}' depends on itself: {2}; remove an input of the cycle".</summary>
    public static readonly DiagnosticDescriptor ComputedCycle = Create(
        "SIG0018",
        "Computed signals form a cycle",
        "The computed signal '{0}' declared by '{1}' depends on itself: {2}; remove an input of the cycle",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary><c>SIG0019</c>: "'{0}' has [SignalComputed] and another signal attribute: ...".</summary>
    public static readonly DiagnosticDescriptor ComputedAndOtherSignal = Create(
        "SIG0019",
        "Computed signal also declares other signals",
        "'{0}' has [SignalComputed] and another signal attribute: a computed signal moves with its inputs, not with the type's instances, so declare it on a type of its own");

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, params string[] customTags)
        => new(
            id,
            title,
            messageFormat,
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: null,
            helpLinkUri: null,
            customTags: customTags);
}
