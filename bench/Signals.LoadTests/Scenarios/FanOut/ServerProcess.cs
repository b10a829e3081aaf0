using System.Diagnostics;
using System.Globalization;
using Signals.LoadTests.Measuring;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>A <see cref="FanOutServer"/> in a child process of the harness, and the control calls the scenario makes to it.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly HttpClient _control;
    private readonly Task _output;

    private ServerProcess(Process process, Uri address, Task output)
    {
        _process = process;
        _output = output;
        Address = address;
        _control = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Gets the server's address.</summary>
    public Uri Address { get; }

    /// <summary>Starts the server and waits until it listens.</summary>
    /// <param name="variant">What it broadcasts with.</param>
    /// <param name="connectionString">The database (Signals only).</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">It exited or did not listen within a minute.</exception>
    public static async Task<ServerProcess> StartAsync(FanOutVariant variant, string? connectionString, CancellationToken cancellationToken)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The harness cannot tell its own executable.");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        foreach (string argument in (string[])[FanOutServer.Command, "--variant", variant.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        if (connectionString is not null)
        {
            start.ArgumentList.Add("--connection-string");
            start.ArgumentList.Add(connectionString);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the fan-out server.");
        try
        {
            using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ready.CancelAfter(StartTimeout);
            while (await process.StandardOutput.ReadLineAsync(ready.Token) is { } line)
            {
                if (line.StartsWith(FanOutServer.ReadyPrefix, StringComparison.Ordinal))
                {
                    var address = new Uri(line[FanOutServer.ReadyPrefix.Length..]);
                    return new ServerProcess(process, address, EchoAsync(process.StandardOutput));
                }

                Console.WriteLine($"   [server] {line}");
            }

            throw new InvalidOperationException($"The {variant} fan-out server exited with code {(process.HasExited ? process.ExitCode : -1)} before it listened.");
        }
        catch
        {
            Stop(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Gets how long each call that made a change took on the server (<c>SaveChanges</c>, or the broadcast call).</summary>
    public Latencies ChangeCalls { get; } = new();

    /// <summary>
    /// Gets how many methods the server had JIT-compiled when it answered the last change (0 before the first), to tell whether the
    /// code a change runs has reached its final tier: a method called once per change leaves tier 0 only after 30 calls.
    /// </summary>
    public long CompiledMethods { get; private set; }

    /// <summary>Makes one change (a commit or a broadcast).</summary>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The server's <see cref="Stopwatch.GetTimestamp"/> just before it made the change.</returns>
    public async Task<long> TriggerAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _control.PostAsync("/bench/trigger", null, cancellationToken);
        response.EnsureSuccessStatusCode();
        string[] timestamps = (await response.Content.ReadAsStringAsync(cancellationToken)).Split(' ');
        long start = long.Parse(timestamps[0], NumberStyles.None, CultureInfo.InvariantCulture);
        ChangeCalls.AddTicks(start, long.Parse(timestamps[1], NumberStyles.None, CultureInfo.InvariantCulture));
        CompiledMethods = long.Parse(timestamps[2], NumberStyles.None, CultureInfo.InvariantCulture);
        return start;
    }

    /// <summary>Gets the Signals hub's cursor, the resume point (<c>Last-Event-ID</c>) for new subscribers.</summary>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The cursor.</returns>
    public Task<string> GetCursorAsync(CancellationToken cancellationToken) => _control.GetStringAsync("/bench/cursor", cancellationToken);

    /// <summary>Collects garbage in the server, lets it settle, and reads its resident set size.</summary>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>RSS in bytes.</returns>
    public async Task<long> MeasureResidentBytesAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _control.PostAsync("/bench/gc", null, cancellationToken);
        response.EnsureSuccessStatusCode();
        await Task.Delay(500, cancellationToken);
        return ProcessMemory.ResidentBytes(_process.Id);
    }

    /// <summary>Closes the server's standard input (it stops), and kills it if it has not exited within 15 seconds.</summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        _process.StandardInput.Close();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            Stop(_process);
        }

        await _output;
        _process.Dispose();
    }

    private static void Stop(Process process)
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
            Console.WriteLine($"   [server] {line}");
        }
    }
}
