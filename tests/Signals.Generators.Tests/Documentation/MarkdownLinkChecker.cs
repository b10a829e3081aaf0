using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Signals.Generators.Tests.Documentation;

/// <summary>A relative link of a Markdown file that points nowhere.</summary>
/// <param name="File">The file holding the link, relative to the root the checker was given (with <c>/</c>).</param>
/// <param name="Line">The link's line, 1-based.</param>
/// <param name="Target">The link's target as written.</param>
/// <param name="Reason">What is missing.</param>
internal sealed record BrokenLink(string File, int Line, string Target, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}: ({Target}) {Reason}";
}

/// <summary>
/// Finds relative links and anchors in Markdown files that point nowhere, as GitHub would render them: Markdig parses the files
/// (so links in code blocks and code spans are not links), and headings get GitHub's anchors (lowercase, spaces to <c>-</c>,
/// punctuation dropped, <c>-1</c>, <c>-2</c> … for repeats), plus any <c>&lt;a id="…"&gt;</c> / <c>name="…"</c> in the file's HTML.
/// </summary>
/// <remarks>
/// Links with a scheme (<c>https:</c>, <c>mailto:</c>) are not followed. A relative link must name a file or directory inside the
/// root; its <c>#anchor</c>, when it names a Markdown file (or is the file's own, <c>#anchor</c> alone), must be one of that file's
/// anchors. Anchors into other files (source lines, images) are not checked.
/// </remarks>
internal sealed partial class MarkdownLinkChecker(string root)
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoIdentifiers(Markdig.Extensions.AutoIdentifiers.AutoIdentifierOptions.GitHub)
        .Build();

    private readonly string _root = Path.GetFullPath(root);
    private readonly Dictionary<string, MarkdownDocument> _documents = new(StringComparer.Ordinal);

    /// <summary>Gets the anchors GitHub gives a Markdown text: one per heading, and the ids and names of its HTML anchors.</summary>
    /// <param name="markdown">The Markdown text.</param>
    /// <returns>The anchors, in document order.</returns>
    public static IReadOnlyList<string> AnchorsOf(string markdown) => AnchorsOf(Markdown.Parse(markdown, Pipeline));

    /// <summary>Checks every relative link of the given files.</summary>
    /// <param name="files">Markdown files under the root (absolute, or relative to the root).</param>
    /// <returns>Every link that points nowhere, in file and line order.</returns>
    public IReadOnlyList<BrokenLink> Check(IEnumerable<string> files)
    {
        List<BrokenLink> broken = [];
        foreach (string file in files.Select(f => Path.GetFullPath(f, _root)).Order(StringComparer.Ordinal))
        {
            MarkdownDocument document = Parse(file);
            foreach (LinkInline link in document.Descendants<LinkInline>())
            {
                if (Check(file, link.Url) is { } reason)
                {
                    broken.Add(new BrokenLink(Relative(file), link.Line + 1, link.Url ?? "", reason));
                }
            }
        }

        return broken;
    }

    private string? Check(string file, string? url)
    {
        if (string.IsNullOrEmpty(url) || HasScheme(url))
        {
            return null;
        }

        int hash = url.IndexOf('#', StringComparison.Ordinal);
        string path = Uri.UnescapeDataString(hash < 0 ? url : url[..hash]);
        string? anchor = hash < 0 ? null : url[(hash + 1)..];

        string target = path.Length == 0 ? file : Path.GetFullPath(path, Path.GetDirectoryName(file)!);
        if (!target.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return "points outside the repository";
        }

        if (!File.Exists(target) && !Directory.Exists(target))
        {
            return $"{Relative(target)} does not exist";
        }

        if (anchor is null || !target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || !File.Exists(target))
        {
            return null;
        }

        IReadOnlyList<string> anchors = AnchorsOf(Parse(target));
        return anchors.Contains(Uri.UnescapeDataString(anchor), StringComparer.Ordinal)
            ? null
            : $"{Relative(target)} has no heading or anchor '#{anchor}'";
    }

    private MarkdownDocument Parse(string file)
    {
        if (!_documents.TryGetValue(file, out MarkdownDocument? document))
        {
            document = Markdown.Parse(File.ReadAllText(file), Pipeline);
            _documents.Add(file, document);
        }

        return document;
    }

    private static List<string> AnchorsOf(MarkdownDocument document)
    {
        List<string> anchors = [];
        foreach (MarkdownObject node in document.Descendants())
        {
            switch (node)
            {
                case HeadingBlock heading when heading.GetAttributes().Id is { Length: > 0 } id:
                    anchors.Add(id);
                    break;
                case HtmlBlock html:
                    anchors.AddRange(HtmlAnchors(html.Lines.ToString()));
                    break;
                case HtmlInline html:
                    anchors.AddRange(HtmlAnchors(html.Tag));
                    break;
            }
        }

        return anchors;
    }

    private static IEnumerable<string> HtmlAnchors(string html) => HtmlAnchor().Matches(html).Select(static m => m.Groups["anchor"].Value);

    private static bool HasScheme(string url) => Scheme().IsMatch(url);

    private string Relative(string path) => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');

    [GeneratedRegex("""\b(?:id|name)\s*=\s*["'](?<anchor>[^"']+)["']""")]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();
}
