using System.Diagnostics;
using Signals.Testing;

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

        CommandResult run = await Command.RunAsync(start, CommandTimeout, cancellationToken);
        string output = await run.StandardOutput;
        Assert.True(run.ExitCode == 0, $"'dotnet {string.Join(' ', arguments)}' exited with {run.ExitCode}.\n{output}\n{await run.StandardError}");
        return output;
    }
}
