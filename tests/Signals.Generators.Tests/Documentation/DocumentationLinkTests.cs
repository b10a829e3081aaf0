using Signals.Testing;

namespace Signals.Generators.Tests.Documentation;

/// <summary>
/// The documentation's relative links and anchors lead somewhere: README.md, every page under <c>docs/</c>, the packages'
/// <c>README.md</c> and <c>INTERNALS.md</c>, and <c>bench/README.md</c>. A moved section or a renamed heading fails here, naming
/// the file, the line and the link.
/// </summary>
public sealed class DocumentationLinkTests
{
    [Fact]
    public void Every_relative_link_and_anchor_in_the_documentation_resolves()
    {
        string[] files = DocumentationFiles();
        Assert.Contains(Path.Combine(RepositoryPaths.Root, "README.md"), files);
        Assert.Contains(files, static f => f.Contains($"{Path.DirectorySeparatorChar}docs{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        IReadOnlyList<BrokenLink> broken = new MarkdownLinkChecker(RepositoryPaths.Root).Check(files);

        Assert.True(broken.Count == 0, $"Broken links:{Environment.NewLine}{string.Join(Environment.NewLine, broken)}");
    }

    [Fact]
    public void Every_docs_page_is_linked_from_the_readme()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        string[] pages = [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md").Select(static p => "docs/" + Path.GetFileName(p))];
        Assert.NotEmpty(pages);

        string[] unlinked = [.. pages.Where(p => !readme.Contains($"]({p})", StringComparison.Ordinal) && !readme.Contains($"]({p}#", StringComparison.Ordinal))];

        Assert.True(unlinked.Length == 0, $"Not linked from README.md: {string.Join(", ", unlinked)}");
    }

    [Theory]
    [InlineData("## Health check", "health-check")]
    [InlineData("### TypeScript: key builders and value types", "typescript-key-builders-and-value-types")]
    [InlineData("## `GET {prefix}/values/{key}`, `PUT` and `DELETE`", "get-prefixvalueskey-put-and-delete")]
    [InlineData("## The .NET client", "the-net-client")]
    [InlineData("## Metrics, logs and health", "metrics-logs-and-health")]
    [InlineData("## Commit → event (p50)", "commit--event-p50")]
    [InlineData("## snake_case and [a link](x.md)", "snake_case-and-a-link")]
    public void Headings_get_the_anchors_GitHub_gives_them(string heading, string anchor)
        => Assert.Equal([anchor], MarkdownLinkChecker.AnchorsOf(heading));

    [Fact]
    public void Repeated_headings_and_html_anchors_get_anchors_too()
        => Assert.Equal(["options", "options-1", "limits"], MarkdownLinkChecker.AnchorsOf("## Options\n\n## Options\n\n<a id=\"limits\"></a>\n"));

    [Fact]
    public void A_missing_file_or_anchor_is_reported_and_code_is_not_read_as_links()
    {
        string root = Directory.CreateTempSubdirectory("signals-links-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs"));
            File.WriteAllText(Path.Combine(root, "docs", "page.md"), "# Page\n\n## Health check\n");
            File.WriteAllText(Path.Combine(root, "README.md"), string.Join('\n',
                "# Readme",
                "",
                "## Quick start",
                "",
                "[ok](docs/page.md) [ok](docs/page.md#health-check) [ok](#quick-start) [ok](docs/) [ok](https://example.com/missing.md)",
                "[gone](docs/missing.md)",
                "[bad anchor](docs/page.md#health)",
                "[bad own anchor](#quick-stat)",
                "[outside](../elsewhere.md)",
                "`[code span](nowhere.md)`",
                "```",
                "[code block](nowhere.md)",
                "```",
                ""));

            IReadOnlyList<BrokenLink> broken = new MarkdownLinkChecker(root).Check([Path.Combine(root, "README.md"), Path.Combine(root, "docs", "page.md")]);

            Assert.Equal(
            [
                new BrokenLink("README.md", 6, "docs/missing.md", "docs/missing.md does not exist"),
                new BrokenLink("README.md", 7, "docs/page.md#health", "docs/page.md has no heading or anchor '#health'"),
                new BrokenLink("README.md", 8, "#quick-stat", "README.md has no heading or anchor '#quick-stat'"),
                new BrokenLink("README.md", 9, "../elsewhere.md", "points outside the repository"),
            ], broken);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string[] DocumentationFiles()
    {
        string root = RepositoryPaths.Root;
        string src = Path.Combine(root, "src");
        return
        [
            Path.Combine(root, "README.md"),
            Path.Combine(root, "bench", "README.md"),
            .. Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories),
            .. Directory.GetDirectories(src).SelectMany(static project => new[] { "README.md", "INTERNALS.md" }.Select(name => Path.Combine(project, name))).Where(File.Exists),
        ];
    }
}
