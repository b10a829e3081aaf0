using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// The browser client's modules pass TypeScript's checker on their JSDoc types (<c>tsc --checkJs</c>, strict), with the pinned
/// TypeScript of <see cref="TypeScriptTool"/>.
/// </summary>
public sealed class ClientScriptTypeCheckTests
{
    private static readonly string ScriptFolder = Path.Combine(RepositoryPaths.Root, "src", "Signals.AspNetCore", "ClientScript");

    [Fact]
    public async Task Every_client_script_module_type_checks_under_strict_rules()
    {
        (int exitCode, string output) = await TypeScriptTool.RunTscAsync("-p", Path.Combine(TypeScriptTool.Folder, "tsconfig.json"), "--listFiles", "--pretty", "false");

        Assert.True(exitCode == 0, $"tsc found errors (exit code {exitCode}):\n{output}");
        string[] checkedModules = [.. output.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith(ScriptFolder, StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] modules = [.. Directory.GetFiles(ScriptFolder, "*.js").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Contains("client.js", modules);
        Assert.Equal(modules, checkedModules);
    }
}
