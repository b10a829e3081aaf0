using Microsoft.Playwright;

namespace Signals.Browser.Tests;

/// <summary>
/// Headless Chromium from the system (Debian's <c>chromium</c> package, <c>/usr/bin/chromium</c>, or the path in
/// <c>SIGNALS_CHROMIUM</c>), driven by Playwright; no browser is downloaded.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("SIGNALS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Starts a session for one test: its pages are closed when it is disposed.</summary>
    public BrowserSession NewSession() => new(_browser ?? throw new InvalidOperationException("Chromium is not started."));

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}. Install Debian's package (apt-get install chromium; ./test.sh installs it) or set SIGNALS_CHROMIUM to a Chromium executable.");
        }

        // Generous bounds for a loaded 2-core machine: they catch what never happens, not what is slow.
        Assertions.SetDefaultExpectTimeout(10_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
