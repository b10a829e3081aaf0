using System.Collections.Immutable;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Signals.Generators;

namespace Signals.Benchmarks.Generators;

/// <summary>
/// The source generator over 1,000 annotated types (entity signals with two families, and one value signal in ten): a first run on a
/// compilation nothing was bound in yet, and a re-run after an edit that touches no annotated type (which should be nearly free).
/// </summary>
/// <remarks>Run with <c>dotnet run -c Release --project bench/Signals.Benchmarks -- --filter '*GeneratorBenchmarks*' --job short</c>.</remarks>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int TypeCount = 1_000;
    private const int TypesPerFile = 10;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warmDriver = null!;

    [GlobalSetup]
    public void Setup()
    {
        SyntaxTree[] trees = [.. Enumerable.Range(0, TypeCount / TypesPerFile).Select(file => CSharpSyntaxTree.ParseText(WriteFile(file), ParseOptions, path: $"File{file}.cs"))];
        _compilation = CSharpCompilation.Create(
            "Signals.Benchmarks.Generated",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _edited = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("internal struct Unrelated { public int Value; }", ParseOptions, path: "Unrelated.cs"));
        _warmDriver = CreateDriver().RunGenerators(_compilation);

        GeneratorRunResult result = _warmDriver.GetRunResult().Results.Single();
        if (result.Exception is not null || result.GeneratedSources.Length != TypeCount + 1)
        {
            throw new InvalidOperationException($"Expected {TypeCount} type files and a catalog, got {result.GeneratedSources.Length} files ({result.Exception}).");
        }
    }

    /// <summary>A new driver on a fresh copy of the compilation (new symbols, nothing bound yet): the cost of a full build's generator pass.</summary>
    [Benchmark(Baseline = true)]
    public GeneratorDriver FirstRun() => CreateDriver().RunGenerators(_compilation.Clone());

    /// <summary>The warm driver after an unrelated type was added: every per-type step and the catalog come from the cache.</summary>
    [Benchmark]
    public GeneratorDriver RerunAfterUnrelatedEdit() => _warmDriver.RunGenerators(_edited.Clone());

    private static CSharpGeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create([new SignalGenerator().AsSourceGenerator()], parseOptions: ParseOptions);

    private static string WriteFile(int file)
    {
        var source = new System.Text.StringBuilder("using Signals;\n");
        for (int i = file * TypesPerFile; i < (file + 1) * TypesPerFile; i++)
        {
            source.Append(CultureInfo.InvariantCulture, $"namespace Bench.N{i}\n{{\n");
            source.Append(i % 10 == 9
                ? $$"""
                    [SignalValue("n{{i}}:settings:{RoomId}")]
                    public partial record Setting{{i}}(string Mode = "dark", int Count = 0);

                    """
                : $$"""
                    [SignalNamespace("n{{i}}")]
                    [Signal]
                    [SignalFamily("room:{RoomId}")]
                    [SignalFamily("user:{UserId}:room:{RoomId}")]
                    public partial class Message{{i}}
                    {
                        public string RoomId { get; set; } = "";
                        public int UserId { get; set; }
                        public int Length() => RoomId.Length;
                    }

                    """);
            source.Append("}\n");
        }

        return source.ToString();
    }

    private static ImmutableArray<MetadataReference> References()
    {
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string[] trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return
        [
            .. trusted
                .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
                .Select(path => MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(SignalKey).Assembly.Location),
        ];
    }
}
