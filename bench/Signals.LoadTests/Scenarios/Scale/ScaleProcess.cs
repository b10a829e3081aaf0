using System.Diagnostics;
using System.Globalization;
using Signals.LoadTests.Measuring;

namespace Signals.LoadTests.Scenarios.Scale;

/// <summary>A <see cref="ScaleServer"/> process: started, timed to ready, asked over HTTP, measured, stopped.</summary>
internal sealed class ScaleProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly Task _output;

    private ScaleProcess(Process process, Uri address, TimeSpan startToReady, Task output)
    {
        _process = process;
        _output = output;
        StartToReady = startToReady;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>Gets the time from starting the process to its ready line (its dispatcher's health check Healthy).</summary>
    public TimeSpan StartToReady { get; }

    /// <summary>Gets a client of the instance.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts an instance and waits until it is ready.</summary>
    /// <param name="connectionString">The database.</param>
    /// <param name="maxCachedKeys">The hub's <see cref="SignalHubOptions.MaxCachedKeys"/>.</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The ready instance.</returns>
    public static async Task<ScaleProcess> StartAsync(string connectionString, int maxCachedKeys, CancellationToken cancellationToken)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The harness cannot tell its own executable.");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ScaleProcess).Assembly.Location);
        }

        foreach (string argument in (string[])[ScaleServer.Command, "--connection-string", connectionString, "--max-cached-keys", maxCachedKeys.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        long started = Stopwatch.GetTimestamp();
        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the scale server.");
        try
        {
            using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ready.CancelAfter(StartTimeout);
            while (await process.StandardOutput.ReadLineAsync(ready.Token) is { } line)
            {
                if (line.StartsWith(ScaleServer.ReadyPrefix, StringComparison.Ordinal))
                {
                    TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
                    return new ScaleProcess(process, new Uri(line[ScaleServer.ReadyPrefix.Length..]), elapsed, EchoAsync(process.StandardOutput));
                }

                Console.WriteLine($"   [scale server] {line}");
            }

            throw new InvalidOperationException($"The scale server exited with code {(process.HasExited ? process.ExitCode : -1)} before it was ready.");
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Collects garbage in the instance, lets it settle, and reads its resident set size.</summary>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>RSS in bytes.</returns>
    public async Task<long> MeasureResidentBytesAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await Http.PostAsync("/bench/gc", null, cancellationToken);
        response.EnsureSuccessStatusCode();
        await Task.Delay(500, cancellationToken);
        return ProcessMemory.ResidentBytes(_process.Id);
    }

    /// <summary>Reads a number the instance answers at <paramref name="path"/>.</summary>
    /// <param name="path">The control endpoint.</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The number.</returns>
    public async Task<long> GetNumberAsync(string path, CancellationToken cancellationToken)
        => long.Parse(await Http.GetStringAsync(path, cancellationToken), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Closes the instance's standard input (it stops), and kills it if it has not exited within 15 seconds.</summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.StandardInput.Close();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(_process);
        }

        await _output;
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task EchoAsync(StreamReader output)
    {
        while (await output.ReadLineAsync() is { } line)
        {
            Console.WriteLine($"   [scale server] {line}");
        }
    }
}
