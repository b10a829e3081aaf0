using System.Collections.Concurrent;
using System.Xml.Linq;
using Signals.Testing;

namespace Signals.Generators.Tests.House;

/// <summary>
/// No cycle between the folders of a project under <c>src/</c>, nor between projects: a folder's code may use a folder below it,
/// never one that uses it back; and no folder uses <c>DependencyInjection/</c>, the composition root. A failure names the folders
/// of each cycle, and for each edge the files and the types (or members) that make it, so the message says what to move.
/// </summary>
public sealed class DependencyCycleTests
{
    /// <summary>Gets every project under <c>src/</c>, by path relative to the repository root.</summary>
    public static TheoryData<string> SourceProjects()
        => [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(static p => Path.GetRelativePath(RepositoryPaths.Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    // Each project's graph is built once for the tests below (a few seconds each: a compilation and a semantic model per file).
    private static readonly ConcurrentDictionary<string, Lazy<FolderGraph>> Graphs = new(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void No_folder_of_the_project_depends_on_a_folder_that_depends_on_it(string project)
    {
        FolderGraph graph = GraphOf(project);

        // A graph without edges would pass whatever the code: a project of several folders always has some.
        Assert.True(
            graph.Folders.Count < 2 || graph.Edges.Count > 0,
            $"{project}: {graph.Folders.Count} folders and no edge between them; names no longer resolve.");
        IReadOnlyList<FolderCycle> cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, $"Folders that depend on each other:{Environment.NewLine}{string.Join(Environment.NewLine, cycles)}");
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void No_folder_of_the_project_depends_on_its_composition_root(string project)
    {
        // DependencyInjection/ holds the Add…/Map… extensions, which wire every feature together; a feature that read it would wire
        // itself up through the composition root (the options of a feature sit beside the feature).
        FolderGraph graph = GraphOf(project);

        string[] intoRoot = [.. graph.Edges
            .Where(static e => e.To == "DependencyInjection")
            .Select(static e => $"  {e.From} -> DependencyInjection: {string.Join("; ", e.Reasons)}")];

        Assert.True(
            intoRoot.Length == 0,
            $"{project}: folders that depend on DependencyInjection/:{Environment.NewLine}{string.Join(Environment.NewLine, intoRoot)}");
    }

    [Fact]
    public void The_check_reports_a_cycle_with_the_files_and_types_that_make_each_edge()
    {
        FolderGraph graph = FolderGraph.Build("Sample",
        [
            ("/p/DependencyInjection/FeatureOptions.cs", "DependencyInjection", "namespace S; public sealed class FeatureOptions { public int Size { get; set; } }"),
            ("/p/DependencyInjection/Extensions.cs", "DependencyInjection", "namespace S; public static class Extensions { public static Feature Add() => new(new FeatureOptions()); }"),
            ("/p/Feature/Feature.cs", "Feature", "namespace S; public sealed class Feature(FeatureOptions options) { public int Size => options.Size; }"),
            ("/p/Keys/Key.cs", "Keys", "namespace S; public readonly record struct Key(string Text);"),
            ("/p/Use.cs", ".", "namespace S; internal static class Use { internal static Key Make(Feature f) => new(f.Size.ToString()); }"),
        ]);

        FolderCycle cycle = Assert.Single(graph.Cycles());

        Assert.Equal(["DependencyInjection", "Feature"], cycle.Folders);
        Assert.Collection(
            cycle.Edges,
            edge =>
            {
                Assert.Equal(("DependencyInjection", "Feature"), (edge.From, edge.To));
                Assert.Contains("DependencyInjection/Extensions.cs → Feature (Feature/Feature.cs)", edge.Reasons);
                Assert.Contains("DependencyInjection/Extensions.cs → Feature.ctor (Feature/Feature.cs)", edge.Reasons);
            },
            edge =>
            {
                Assert.Equal(("Feature", "DependencyInjection"), (edge.From, edge.To));
                Assert.Contains("Feature/Feature.cs → FeatureOptions (DependencyInjection/FeatureOptions.cs)", edge.Reasons);
                Assert.Contains("Feature/Feature.cs → FeatureOptions.Size (DependencyInjection/FeatureOptions.cs)", edge.Reasons);
            });
        Assert.Contains("Sample: DependencyInjection, Feature form a cycle", cycle.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Edges_that_all_point_one_way_are_no_cycle()
    {
        FolderGraph graph = FolderGraph.Build("Sample",
        [
            ("/p/Feature/FeatureOptions.cs", "Feature", "namespace S; public sealed class FeatureOptions { public int Size { get; set; } }"),
            ("/p/Feature/Feature.cs", "Feature", "namespace S; public sealed class Feature(FeatureOptions options) { public int Size => options.Size; }"),
            ("/p/DependencyInjection/Extensions.cs", "DependencyInjection", "namespace S; public static class Extensions { public static Feature Add() => new(new FeatureOptions()); }"),
        ]);

        Assert.Single(graph.Edges);
        Assert.Empty(graph.Cycles());
    }

    private static FolderGraph GraphOf(string project)
        => Graphs.GetOrAdd(project, static p => new Lazy<FolderGraph>(() => FolderGraph.ForProject(Path.Combine(RepositoryPaths.Root, p)))).Value;

    [Fact]
    public void No_project_references_a_project_that_references_it_back()
    {
        string[] projects = [.. Directory.GetFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(static p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(Path.GetFullPath)];
        Dictionary<string, string[]> references = projects.ToDictionary(
            static p => p,
            static p => XDocument.Load(p).Descendants("ProjectReference")
                .Select(r => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(p)!, ((string)r.Attribute("Include")!).Replace('\\', Path.DirectorySeparatorChar))))
                .ToArray());
        Assert.Contains(references, static r => r.Value.Length > 0);

        List<string> cycles = [];
        foreach (string project in projects)
        {
            // Every project reachable from this one; a cycle is this project among them.
            HashSet<string> reached = [];
            Stack<string> pending = new(references[project]);
            while (pending.TryPop(out string? next))
            {
                if (reached.Add(next) && references.TryGetValue(next, out string[]? further))
                {
                    foreach (string f in further)
                    {
                        pending.Push(f);
                    }
                }
            }

            if (reached.Contains(project))
            {
                cycles.Add(Path.GetRelativePath(RepositoryPaths.Root, project));
            }
        }

        Assert.True(cycles.Count == 0, $"Projects that reference themselves through others: {string.Join(", ", cycles)}");
    }
}
