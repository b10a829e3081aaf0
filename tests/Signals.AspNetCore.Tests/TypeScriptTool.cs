using System.Diagnostics;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// TypeScript's compiler for the tests that run it: from the npm registry, pinned by <c>TypeScript/package-lock.json</c> and installed
/// there with <c>npm ci</c> (never globally); Node.js is the machine's.
/// </summary>
internal static class TypeScriptTool
{
    /// <summary>The folder of the pinned install (<c>package.json</c>, <c>tsconfig.json</c>, <c>node_modules</c>).</summary>
    public static readonly string Folder = Path.Combine(RepositoryPaths.Root, "tests", "Signals.AspNetCore.Tests", "TypeScript");

    /// <summary>
    /// One install at a time: test classes run in parallel, and on a fresh clone each would start its own <c>npm ci</c> into the same
    /// <c>node_modules</c>, one deleting and rewriting <c>tsc</c> while another runs it (ETXTBSY, or files missing).
    /// </summary>
    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>Runs <c>tsc</c> with the arguments, after installing it if needed; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunTscAsync(params string[] arguments)
    {
        await InstallAsync();
        return await RunAsync("node", [Path.Combine(Folder, "node_modules", "typescript", "bin", "tsc"), .. arguments], Folder, TimeSpan.FromMinutes(2));
    }

    /// <summary>Runs a program to its end (at most <paramref name="timeout"/>, then kills it); returns its exit code and its output and errors.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
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

    /// <summary>
    /// Runs <c>npm ci</c> unless the pinned TypeScript is installed already (its lock file is npm's record of what it installed); a
    /// caller arriving during another's install waits for it.
    /// </summary>
    private static async Task InstallAsync()
    {
        await Installing.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            string installed = Path.Combine(Folder, "node_modules", ".package-lock.json");
            if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(Folder, "package-lock.json")))
            {
                return;
            }

            (int exitCode, string output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", Folder], Folder, TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, $"npm ci failed (exit code {exitCode}):\n{output}");
        }
        finally
        {
            Installing.Release();
        }
    }
}
