using Signals.Testing;
using Microsoft.Playwright;

namespace Signals.Browser.Tests;

/// <summary>
/// Screenshots of the sample pages for the README: written to <c>docs/screenshots/{name}.png</c> when
/// <c>SIGNALS_UPDATE_SCREENSHOTS=1</c>, otherwise next to the test binaries (so a test run never changes the repository).
/// </summary>
internal static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        string directory = Environment.GetEnvironmentVariable("SIGNALS_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryPaths.Root, "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        Assert.True(new FileInfo(path).Length > 0, $"The screenshot {path} is empty.");
    }
}
