using System.Diagnostics;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// The browser client's modules pass TypeScript's checker on their JSDoc types (<c>tsc --checkJs</c>, strict). TypeScript comes from the
/// npm registry, pinned by <c>TypeScript/package-lock.json</c> and installed there with <c>npm ci</c> (never globally); Node.js is the
/// machine's.
/// </summary>
public sealed class ClientScriptTypeCheckTests
{
    private static readonly string ToolFolder = Path.Combine(RepositoryPaths.Root, "tests", "Signals.AspNetCore.Tests", "TypeScript");
    private static readonly string ScriptFolder = Path.Combine(RepositoryPaths.Root, "src", "Signals.AspNetCore", "ClientScript");

    [Fact]
    public async Task Every_client_script_module_type_checks_under_strict_rules()
    {
        await InstallTypeScriptAsync();

        (int exitCode, string output) = await RunAsync(
            "node", [Path.Combine(ToolFolder, "node_modules", "typescript", "bin", "tsc"), "-p", Path.Combine(ToolFolder, "tsconfig.json"), "--listFiles", "--pretty", "false"],
            TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"tsc found errors (exit code {exitCode}):\n{output}");
        string[] checkedModules = [.. output.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith(ScriptFolder, StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] modules = [.. Directory.GetFiles(ScriptFolder, "*.js").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Contains("client.js", modules);
        Assert.Equal(modules, checkedModules);
    }

    /// <summary>Runs <c>npm ci</c> unless the pinned TypeScript is installed already (its lock file is npm's record of what it installed).</summary>
    private static async Task InstallTypeScriptAsync()
    {
        string installed = Path.Combine(ToolFolder, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(ToolFolder, "package-lock.json")))
        {
            return;
        }

        (int exitCode, string output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", ToolFolder], TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"npm ci failed (exit code {exitCode}):\n{output}");
    }

    /// <summary>Runs a program to its end (at most <paramref name="timeout"/>, then kills it); returns its exit code and its output and errors.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ToolFolder };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"{program} could not be started ({exception.Message}): this check needs Node.js and npm on the PATH (Debian: apt-get install nodejs npm; ./test.sh installs them).",
                exception);
        }

        using Process started = process;
        Task<string> output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not end within {timeout}.");
        }

        return (process.ExitCode, await output + await errors);
    }
}
