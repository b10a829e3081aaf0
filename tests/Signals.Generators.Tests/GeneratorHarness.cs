using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Signals.Generators;
using Signals.Generators.Analyzers;

namespace Signals.Generators.Tests;

/// <summary>Compiles test sources against the Signals runtime, runs <see cref="SignalGenerator"/>, and snapshots or loads the result.</summary>
internal static class GeneratorHarness
{
    /// <summary>The placeholder that replaces the generator's assembly version in snapshots, so a version bump does not churn them.</summary>
    public const string VersionPlaceholder = "<version>";

    private static readonly string GeneratorVersion = typeof(SignalGenerator).Assembly.GetName().Version!.ToString();

    /// <summary>The parse options of every test source: the latest language version.</summary>
    internal static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> RuntimeReferences = new(static () =>
    {
        // The shared framework's assemblies (the test host's trusted platform assemblies from the framework folder) plus the runtime.
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string[] trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return
        [
            .. trusted
                .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(path => MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(SignalKey).Assembly.Location),
        ];
    });

    /// <summary>Gets a reference to the Signals.Client assembly, whose <c>ISignalsClient</c> the typed client accessors extend.</summary>
    public static MetadataReference ClientReference { get; } = MetadataReference.CreateFromFile(typeof(Signals.Client.ISignalsClient).Assembly.Location);

    /// <summary>The runtime's references plus the client package, so the generated typed client accessors are part of every snapshot.</summary>
    internal static readonly Lazy<ImmutableArray<MetadataReference>> References = new(static () => RuntimeReferences.Value.Add(ClientReference));

    /// <summary>Parses <paramref name="sources"/> at the latest language version into a library compilation with nullable enabled.</summary>
    public static CSharpCompilation Compile(params string[] sources) => Compile(References.Value, sources);

    /// <summary><see cref="Compile(string[])"/> without the Signals.Client reference, as in an assembly that does not use the client package.</summary>
    public static CSharpCompilation CompileWithoutClient(params string[] sources) => Compile(RuntimeReferences.Value, sources);

    /// <summary>Creates a driver for <see cref="SignalGenerator"/> that records its incremental steps.</summary>
    public static GeneratorDriver CreateTrackingDriver()
        => CSharpGeneratorDriver.Create(
            [new SignalGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator and asserts that it did not throw and that the output compilation has no errors or warnings.</summary>
    /// <returns>The generator's result and the compilation with the generated sources.</returns>
    public static (GeneratorRunResult Result, Compilation Output) Run(params string[] sources) => Run(Compile(sources));

    /// <summary>Runs the generator on <paramref name="input"/> and asserts that it did not throw and that the output compilation has no errors or warnings.</summary>
    /// <returns>The generator's result and the compilation with the generated sources.</returns>
    public static (GeneratorRunResult Result, Compilation Output) Run(CSharpCompilation input)
    {
        (GeneratorRunResult result, Compilation output) = RunGenerator(input);
        Diagnostic[] problems = [.. output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning)];
        Assert.True(problems.Length == 0, "The output compilation has errors or warnings:\n" + string.Join("\n", problems.Select(e => e.ToString()))
            + "\n\nGenerated:\n" + string.Join("\n", result.GeneratedSources.Select(s => s.SourceText.ToString())));
        return (result, output);
    }

    /// <summary>
    /// Runs <see cref="SignalDeclarationAnalyzer"/> the way a build does: over the compilation that already holds the generated code.
    /// </summary>
    /// <returns>The analyzer's diagnostics, in source order.</returns>
    public static Diagnostic[] Analyze(params string[] sources)
    {
        (_, Compilation output) = RunGenerator(Compile(sources));
        ImmutableArray<Diagnostic> diagnostics = output
            .WithAnalyzers([new SignalDeclarationAnalyzer()])
            .GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken)
            .GetAwaiter().GetResult();
        return [.. diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>Returns each generated file's text, keyed by hint name, with the generator version scrubbed.</summary>
    public static IReadOnlyDictionary<string, string> Generate(params string[] sources)
        => Run(sources).Result.GeneratedSources.ToDictionary(s => s.HintName, s => Scrub(s.SourceText.ToString()), StringComparer.Ordinal);

    /// <summary>
    /// Runs the generator on <paramref name="source"/> and compares every generated file with
    /// <c>_snapshots/{Class}.{Test}#{HintName}.verified.cs</c> beside the calling test file.
    /// </summary>
    /// <remarks>The analyzer must find nothing wrong with a source whose output is snapshot.</remarks>
    public static void Verify(string source, [CallerFilePath] string callerFile = "", [CallerMemberName] string test = "")
    {
        IReadOnlyDictionary<string, string> generated = Generate(source);
        Assert.NotEmpty(generated);
        Assert.Empty(Analyze(source));

        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "_snapshots");
        string testClass = Path.GetFileNameWithoutExtension(callerFile);
        foreach ((string hintName, string text) in generated.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            string name = $"{testClass}.{test}#{Path.GetFileNameWithoutExtension(hintName)}";
            SnapshotAssert.Match(directory, name, $"//HintName: {hintName}\n{text}");
        }
    }

    /// <summary>Compiles <paramref name="sources"/> with the generated code and loads the assembly into a collectible context.</summary>
    public static Assembly CompileAndLoad(params string[] sources)
    {
        (_, Compilation output) = Run(sources);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));

        stream.Position = 0;
        var context = new AssemblyLoadContext(output.AssemblyName, isCollectible: true);
        return context.LoadFromStream(stream);
    }

    private static CSharpCompilation Compile(ImmutableArray<MetadataReference> references, string[] sources)
        => CSharpCompilation.Create(
            "Signals.Generated." + Guid.NewGuid().ToString("N"),
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(
                source, ParseOptions, path: $"Source{i}.cs", cancellationToken: TestContext.Current.CancellationToken)),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static (GeneratorRunResult Result, Compilation Output) RunGenerator(CSharpCompilation input)
    {
        GeneratorDriver driver = CreateTrackingDriver().RunGeneratorsAndUpdateCompilation(
            input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics, TestContext.Current.CancellationToken);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        Assert.Empty(generatorDiagnostics);
        return (result, output);
    }

    private static string Scrub(string text)
        => text.Replace($"\"Signals.Generators\", \"{GeneratorVersion}\"", $"\"Signals.Generators\", \"{VersionPlaceholder}\"", StringComparison.Ordinal);
}
