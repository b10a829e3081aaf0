using System.Diagnostics;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// One instance of the chat sample in a process of its own (the sample's app host, copied beside the tests), so a test can kill it
/// the way a crash or <c>kill -9</c> would: no shutdown code runs.
/// </summary>
internal sealed class ChatProcess : IDisposable
{
    private readonly Process _process;

    private ChatProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>Starts an instance on a free loopback port; it is ready once it answers (the caller waits for what it needs).</summary>
    /// <param name="instanceId">The instance's name (<c>Signals:InstanceId</c>).</param>
    /// <param name="storage">Where the instance keeps its data.</param>
    /// <param name="settings">More configuration, as <c>--Section:Key value</c> pairs.</param>
    public static ChatProcess Start(string instanceId, ChatStorage storage, params string[] settings)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPorts.FindFree()}");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Signals.Samples.Chat"))
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["--urls", baseAddress.ToString(), "--environment", "Development", "--Signals:InstanceId", instanceId,
                     "--Logging:LogLevel:Default", "Warning", .. storage.Args, .. settings])
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in storage.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("The chat sample did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChatProcess(process, baseAddress);
    }

    /// <summary>Kills the process at once (SIGKILL) and waits until it is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
