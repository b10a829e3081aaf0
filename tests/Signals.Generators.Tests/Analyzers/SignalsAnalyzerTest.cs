using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Signals.Generators.Analyzers;

namespace Signals.Generators.Tests.Analyzers;

/// <summary>
/// Runs a Signals analyzer with the Roslyn analyzer-testing framework the way a build does: over the compilation that already holds
/// <see cref="SignalGenerator"/>'s output, at the latest language version with nullable enabled, against the same references as
/// <see cref="GeneratorHarness"/> (plus any the test adds). Expected diagnostics name their locations with markup (<c>{|#0:Cart|}</c>).
/// </summary>
/// <remarks>
/// The references come from the test host (the shared framework, the runtime, the client package) rather than a reference-assembly
/// package the framework would download. Compiler diagnostics are not asserted (a malformed attribute is the compiler's to report); the
/// framework's own checks still run: no diagnostic beyond the expected ones, and each one suppressible with <c>#pragma</c>.
/// </remarks>
/// <typeparam name="TAnalyzer">The analyzer.</typeparam>
internal class SignalsAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public SignalsAnalyzerTest(string source)
    {
        TestCode = source;
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(GeneratorHarness.References.Value);
        CompilerDiagnostics = CompilerDiagnostics.None;
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck; // the snapshot tests own the generated sources
    }

    protected override IEnumerable<Type> GetSourceGenerators() => [typeof(SignalGenerator)];

    protected override ParseOptions CreateParseOptions() => GeneratorHarness.ParseOptions;

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}

/// <summary>The harness for <see cref="SignalDeclarationAnalyzer"/>, whose diagnostics are all errors.</summary>
internal sealed class SignalDeclarationAnalyzerTest(string source) : SignalsAnalyzerTest<SignalDeclarationAnalyzer>(source)
{
    /// <summary>An expected error at markup location <paramref name="location"/> (<c>{|#0:…|}</c>) with exactly <paramref name="message"/>.</summary>
    /// <param name="id">The diagnostic ID, e.g. <c>SIG0001</c>.</param>
    /// <param name="location">The markup index of its location.</param>
    /// <param name="message">The full message.</param>
    /// <param name="additionalLocation">The markup index of its additional location (the other declaration), if any.</param>
    public static DiagnosticResult Diagnostic(string id, int location, string message, int? additionalLocation = null)
    {
        DiagnosticResult result = new DiagnosticResult(id, DiagnosticSeverity.Error).WithLocation(location).WithMessage(message);
        return additionalLocation is { } other ? result.WithLocation(other) : result;
    }
}
