using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signals.Browser.Tests;

/// <summary>Waits shared by the page tests.</summary>
internal static class Pages
{
    /// <summary>Waits until each page's status pill says its watch is live (the event stream is open).</summary>
    public static async Task WaitUntilLiveAsync(params IPage[] pages)
    {
        foreach (IPage page in pages)
        {
            await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "live");
        }
    }
}
