using System.Collections.Immutable;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Signals.Generators.Tests.House;

/// <summary>
/// The folder graph of one C# project: a node per folder (the directory of a <c>.cs</c> file relative to the project, <c>.</c> for
/// the root; a file linked in from outside counts in its real directory, e.g. <c>../Shared</c>, not where its <c>Link</c> shows it),
/// and an edge A → B when a file in A names a type declared in B, or a member of one (a method, property, field, event or
/// constructor, extension methods included).
/// </summary>
/// <remarks>
/// Edges come from a semantic model, not from text: the project's files are compiled together, without its source generators,
/// against the assemblies of this test run (the shared frameworks and the test's own references, minus the project's own
/// assembly). A project whose third-party packages are not among them (Npgsql, StackExchange.Redis) still binds every name of its
/// own: an unresolved name is an error type from outside the project, never a type of ours. Only names in source count: a type used
/// only through <c>var</c> or a lambda's inferred parameter, with none of its members named, makes no edge; a target-typed
/// <c>new()</c> does. Documentation comments (<c>cref</c>) make no edge: they are not code. A partial type named as a whole counts in every folder that declares a part of it; a member counts where the
/// member is declared.
/// </remarks>
internal sealed class FolderGraph
{
    private readonly Dictionary<(string From, string To), SortedSet<string>> evidence = [];

    private FolderGraph(string name, IReadOnlyCollection<string> folders)
    {
        Name = name;
        Folders = folders;
    }

    /// <summary>Gets the project's name (its <c>.csproj</c> file name without the extension).</summary>
    public string Name { get; }

    /// <summary>Gets the project's folders that hold at least one <c>.cs</c> file.</summary>
    public IReadOnlyCollection<string> Folders { get; }

    /// <summary>Gets the edges between two different folders, ordered by their folders' names.</summary>
    public IReadOnlyList<FolderEdge> Edges => [.. evidence
        .OrderBy(static e => e.Key.From, StringComparer.Ordinal)
        .ThenBy(static e => e.Key.To, StringComparer.Ordinal)
        .Select(static e => new FolderEdge(e.Key.From, e.Key.To, [.. e.Value]))];

    /// <summary>Builds the folder graph of the project at <paramref name="projectFile"/>.</summary>
    public static FolderGraph ForProject(string projectFile)
    {
        string directory = Path.GetDirectoryName(projectFile)!;
        List<(string Path, string Folder)> files = [];
        foreach (string file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            files.Add((file, FolderOf(relative)));
        }

        // A file linked in from outside the project counts in its own directory (e.g. ../Shared), not in the folder its Link shows it in.
        foreach (XElement compile in XDocument.Load(projectFile).Descendants("Compile"))
        {
            if ((string?)compile.Attribute("Include") is { } include && !include.Contains('*', StringComparison.Ordinal))
            {
                string file = Path.GetFullPath(Path.Combine(directory, include.Replace('\\', '/')));
                string relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
                if (relative.StartsWith("../", StringComparison.Ordinal))
                {
                    files.Add((file, FolderOf(relative)));
                }
            }
        }

        string name = Path.GetFileNameWithoutExtension(projectFile);
        return Build(name, [.. files.Select(static f => (f.Path, f.Folder, File.ReadAllText(f.Path)))]);
    }

    /// <summary>Builds the folder graph of the given files, each a path (for messages), its folder and its text.</summary>
    public static FolderGraph Build(string name, IReadOnlyList<(string Path, string Folder, string Text)> files)
    {
        CSharpParseOptions parseOptions = new(LanguageVersion.Preview);
        Dictionary<SyntaxTree, (string Path, string Folder)> trees = [];
        Dictionary<string, string> folders = new(StringComparer.Ordinal);
        foreach ((string path, string folder, string text) in files)
        {
            trees.Add(CSharpSyntaxTree.ParseText(text, parseOptions, path), (path, folder));
            folders.Add(path, folder);
        }

        CSharpCompilation compilation = CSharpCompilation.Create(
            name,
            trees.Keys,
            References.Value.Where(r => !string.Equals(Path.GetFileNameWithoutExtension(r.FilePath), name, StringComparison.OrdinalIgnoreCase)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        FolderGraph graph = new(name, [.. trees.Values.Select(static t => t.Folder).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
        foreach ((SyntaxTree tree, (string path, string folder)) in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                if (node is not (SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax))
                {
                    continue;
                }

                SymbolInfo info = model.GetSymbolInfo(node);
                IEnumerable<ISymbol> symbols = info.Symbol is { } symbol ? [symbol] : info.CandidateSymbols;
                foreach (ISymbol referenced in symbols)
                {
                    // A partial type named as a whole is declared in several files: one reason per folder is enough.
                    HashSet<string> reached = new(StringComparer.Ordinal);
                    foreach ((string targetPath, string targetType) in Declarations(referenced))
                    {
                        if (folders.TryGetValue(targetPath, out string? targetFolder) && targetFolder != folder && reached.Add(targetFolder))
                        {
                            graph.Add(folder, targetFolder, $"{Display(path, folder)} → {targetType} ({Display(targetPath, targetFolder)})");
                        }
                    }
                }
            }
        }

        return graph;
    }

    /// <summary>
    /// Returns the cycles: each strongly connected set of two or more folders, with every edge inside it and what makes the edge.
    /// </summary>
    public IReadOnlyList<FolderCycle> Cycles()
    {
        Dictionary<string, List<string>> next = Folders.ToDictionary(static f => f, static _ => new List<string>(), StringComparer.Ordinal);
        foreach ((string from, string to) in evidence.Keys)
        {
            next[from].Add(to);
        }

        List<FolderCycle> cycles = [];
        foreach (IReadOnlyList<string> component in StronglyConnected(next))
        {
            if (component.Count < 2)
            {
                continue;
            }

            HashSet<string> inside = [.. component];
            cycles.Add(new FolderCycle(Name, [.. component.Order(StringComparer.Ordinal)], [.. Edges.Where(e => inside.Contains(e.From) && inside.Contains(e.To))]));
        }

        return cycles;
    }

    private void Add(string from, string to, string why)
    {
        if (!evidence.TryGetValue((from, to), out SortedSet<string>? reasons))
        {
            evidence.Add((from, to), reasons = new SortedSet<string>(StringComparer.Ordinal));
        }

        reasons.Add(why);
    }

    // The files that declare what a name refers to, each with the type to name in a message: a member's own declaration (so a
    // partial type's part is exact), a type's every part.
    private static IEnumerable<(string Path, string Type)> Declarations(ISymbol symbol)
    {
        symbol = symbol switch
        {
            IMethodSymbol { ReducedFrom: { } extension } => extension,
            IMethodSymbol { MethodKind: MethodKind.LocalFunction } => null!,
            _ => symbol.OriginalDefinition,
        };
        if (symbol is null or ILocalSymbol or IParameterSymbol or ITypeParameterSymbol or INamespaceSymbol or IRangeVariableSymbol or ILabelSymbol)
        {
            yield break;
        }

        INamedTypeSymbol? type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        if (type is null)
        {
            yield break;
        }

        string typeName = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        if (symbol is not INamedTypeSymbol)
        {
            typeName += "." + (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "ctor" : symbol.Name);
        }

        foreach (SyntaxReference reference in symbol.DeclaringSyntaxReferences)
        {
            yield return (reference.SyntaxTree.FilePath, typeName);
        }
    }

    private static string Display(string path, string folder)
        => folder == "." ? Path.GetFileName(path) : $"{folder}/{Path.GetFileName(path)}";

    private static string FolderOf(string relativePath)
    {
        int slash = relativePath.LastIndexOf('/');
        return slash < 0 ? "." : relativePath[..slash];
    }

    // Tarjan's algorithm, iterative over the folders in name order so messages come out the same every run.
    private static List<IReadOnlyList<string>> StronglyConnected(Dictionary<string, List<string>> next)
    {
        Dictionary<string, int> index = new(StringComparer.Ordinal);
        Dictionary<string, int> low = new(StringComparer.Ordinal);
        Stack<string> stack = new();
        HashSet<string> onStack = new(StringComparer.Ordinal);
        List<IReadOnlyList<string>> components = [];
        int counter = 0;

        void Visit(string folder)
        {
            index[folder] = low[folder] = counter++;
            stack.Push(folder);
            onStack.Add(folder);
            foreach (string to in next[folder])
            {
                if (!index.TryGetValue(to, out int reached))
                {
                    Visit(to);
                    low[folder] = Math.Min(low[folder], low[to]);
                }
                else if (onStack.Contains(to))
                {
                    low[folder] = Math.Min(low[folder], reached);
                }
            }

            if (low[folder] == index[folder])
            {
                List<string> component = [];
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != folder);
                components.Add(component);
            }
        }

        foreach (string folder in next.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return components;
    }

    // The assemblies of this test run: the shared frameworks (trusted platform assemblies) and the test's own references.
    private static readonly Lazy<ImmutableArray<PortableExecutableReference>> References = new(static () =>
    {
        string[] trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return [.. trusted
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .DistinctBy(static p => Path.GetFileName(p), StringComparer.OrdinalIgnoreCase)
            .Select(static p => MetadataReference.CreateFromFile(p))];
    });
}

/// <summary>A folder's dependency on another, with what makes it: each line a file, the type (or member) it names and where that is declared.</summary>
internal sealed record FolderEdge(string From, string To, IReadOnlyList<string> Reasons);

/// <summary>Folders of one project that depend on each other, and the edges between them.</summary>
internal sealed record FolderCycle(string Project, IReadOnlyList<string> Folders, IReadOnlyList<FolderEdge> Edges)
{
    /// <summary>Describes the cycle for a failure message: the folders, then each edge with up to eight of its reasons.</summary>
    public override string ToString()
    {
        System.Text.StringBuilder text = new();
        text.Append(Project).Append(": ").AppendJoin(", ", Folders).AppendLine(" form a cycle");
        foreach (FolderEdge edge in Edges)
        {
            text.Append("  ").Append(edge.From).Append(" -> ").Append(edge.To).AppendLine(":");
            foreach (string reason in edge.Reasons.Take(8))
            {
                text.Append("    ").AppendLine(reason);
            }

            if (edge.Reasons.Count > 8)
            {
                text.Append("    … and ").Append(edge.Reasons.Count - 8).AppendLine(" more");
            }
        }

        return text.ToString();
    }
}
