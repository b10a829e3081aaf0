using System.Text.RegularExpressions;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// Compiles an app against modules and declarations as a server serves them, with the pinned <c>tsc</c> (<see cref="TypeScriptTool"/>),
/// the way a TypeScript app uses them: <c>app.ts</c> must compile, and <c>wrong.ts</c> must fail on exactly its lines marked
/// <c>// error</c>.
/// </summary>
internal static partial class TypeScriptCompileCheck
{
    private const string Tsconfig = """
        {
          "compilerOptions": {
            "strict": true, "noEmit": true, "target": "es2022", "module": "es2022", "moduleResolution": "bundler",
            "lib": ["es2022", "dom", "dom.iterable"], "types": [], "allowJs": true, "checkJs": false
          },
          "files": ["app.ts", "wrong.ts"]
        }
        """;

    /// <summary>Downloads <paramref name="modules"/> (and what they import), compiles both files beside them, and asserts the errors.</summary>
    /// <param name="host">The server.</param>
    /// <param name="app">The text of <c>app.ts</c>: compiles without error.</param>
    /// <param name="wrong">The text of <c>wrong.ts</c>: each line marked <c>// error</c> fails, and nothing else.</param>
    /// <param name="modules">The files to download, e.g. <c>keys.js</c>, <c>keys.d.ts</c>.</param>
    public static async Task AssertOnlyMarkedLinesFailAsync(TestServerHost host, string app, string wrong, params string[] modules)
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        string folder = await host.DownloadModulesAsync(modules);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "tsconfig.json"), Tsconfig, token);
            await File.WriteAllTextAsync(Path.Combine(folder, "app.ts"), app, token);
            await File.WriteAllTextAsync(Path.Combine(folder, "wrong.ts"), wrong, token);

            (int exitCode, string output) = await TypeScriptTool.RunTscAsync("-p", Path.Combine(folder, "tsconfig.json"), "--pretty", "false");

            // Every error is on a line of wrong.ts marked "// error", and every such line has one: nothing else fails to compile.
            string[] errors = [.. ErrorLocation().Matches(output).Select(m => $"{m.Groups["file"].Value}:{m.Groups["line"].Value}").Distinct().Order(StringComparer.Ordinal)];
            string[] expected = [.. wrong.Split('\n').Select((text, i) => (text, line: i + 1)).Where(l => l.text.EndsWith("// error", StringComparison.Ordinal))
                .Select(l => $"wrong.ts:{l.line}").Order(StringComparer.Ordinal)];
            Assert.True(exitCode != 0, output);
            Assert.True(expected.SequenceEqual(errors), $"Expected errors at {string.Join(", ", expected)}; tsc said:\n{output}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"(?<file>[\w.-]+\.(?:ts|js))\((?<line>\d+),\d+\): error TS\d+")]
    private static partial Regex ErrorLocation();
}
