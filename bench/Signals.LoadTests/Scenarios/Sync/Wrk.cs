using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Signals.LoadTests.Scenarios.Sync;

/// <summary>
/// Runs <c>wrk</c> (Debian: <c>apt-get install -y wrk</c>) with <c>sync.lua</c>: a C load generator in its own process, so the
/// server under test keeps the CPU an in-process .NET client would take from it on a 2-core machine.
/// </summary>
internal static class Wrk
{
    /// <summary>Checks that <c>wrk</c> is on the PATH.</summary>
    /// <exception cref="InvalidOperationException">It is not, with how to install it.</exception>
    public static void EnsureInstalled()
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator);
        if (!path.Any(static directory => File.Exists(Path.Combine(directory, "wrk"))))
        {
            throw new InvalidOperationException("The sync scenario needs wrk on the PATH: 'apt-get install -y wrk' (Debian), 'brew install wrk' (macOS).");
        }
    }

    /// <summary>POSTs <paramref name="bodyFile"/> to <paramref name="url"/> for <paramref name="seconds"/>.</summary>
    /// <param name="url">The target.</param>
    /// <param name="bodyFile">The JSON body.</param>
    /// <param name="seconds">How long.</param>
    /// <param name="connections">Open connections (each sends its next request when the last answered).</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>What wrk measured.</returns>
    /// <exception cref="InvalidOperationException">wrk failed, or the target answered errors.</exception>
    public static async Task<WrkResult> RunAsync(Uri url, string bodyFile, int seconds, int connections, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[
            "-t", "2", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--timeout", "10s",
            "-s", Path.Combine(AppContext.BaseDirectory, "Scenarios", "Sync", "sync.lua"), url.ToString(), "--", bodyFile])
        {
            start.ArgumentList.Add(argument);
        }

        using Process wrk = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
        Task<string> output = wrk.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> errors = wrk.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds + 30));
        try
        {
            await wrk.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            wrk.Kill();
            throw;
        }

        string summary = (await output).Split('\n').FirstOrDefault(static l => l.StartsWith("SIGNALS_WRK ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk exited with {wrk.ExitCode} without a summary:\n{await output}{await errors}");
        WrkResult result = JsonSerializer.Deserialize<WrkResult>(summary["SIGNALS_WRK ".Length..], JsonSerializerOptions.Web)!;
        if (result.Non2xx > 0 || result.Requests == 0)
        {
            throw new InvalidOperationException(
                $"{url} answered {result.Non2xx} of {result.Requests} requests with a non-2xx status: check the body it is sent (curl -d @{bodyFile} -H 'Content-Type: application/json' {url}).");
        }

        return result;
    }
}
