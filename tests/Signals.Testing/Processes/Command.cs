using System.Diagnostics;

namespace Signals.Testing;

/// <summary>Runs a command line to its end with a bound on its time, as the tests' tools (<c>dotnet</c>, <c>pg_ctl</c>, <c>initdb</c>) are run.</summary>
public static class Command
{
    /// <summary>Starts the command with its standard output and error redirected, and waits for it to exit.</summary>
    /// <param name="start">The command; its output redirection and shell use are set here.</param>
    /// <param name="timeout">How long it may run; then it is killed with its children.</param>
    /// <param name="cancellationToken">Kills the command.</param>
    /// <returns>The exit code and the two outputs as they are read (a child process that outlives the command may hold them open).</returns>
    /// <exception cref="InvalidOperationException">The command could not be started.</exception>
    /// <exception cref="TimeoutException">The command ran longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<CommandResult> RunAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{start.FileName}'.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{start.FileName} {string.Join(' ', start.ArgumentList)}' did not finish within {timeout}.");
        }

        return new CommandResult(process.ExitCode, output, error);
    }
}
