using System.Diagnostics;

namespace Signals.Generators.Tests.Packaging;

/// <summary>Runs the SDK that runs these tests, as a user would from a shell.</summary>
internal static class Dotnet
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Runs <c>dotnet</c> without the MSBuild settings the test host inherited and returns its standard output.</summary>
    /// <param name="workingDirectory">Where the command runs.</param>
    /// <param name="cancellationToken">Kills the command.</param>
    /// <param name="arguments">The command line after <c>dotnet</c>.</param>
    /// <returns>The command's standard output.</returns>
    /// <exception cref="TimeoutException">The command took more than 4 minutes.</exception>
    public static async Task<string> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string variable in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(variable);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'dotnet {string.Join(' ', arguments)}' did not finish within {CommandTimeout}.");
        }

        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"'dotnet {string.Join(' ', arguments)}' exited with {process.ExitCode}.\n{output}\n{await stderr}");
        return output;
    }
}
