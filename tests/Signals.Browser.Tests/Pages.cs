using System.Diagnostics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signals.Browser.Tests;

/// <summary>Waits shared by the page tests.</summary>
internal static class Pages
{
    /// <summary>Waits (at most 10 s, checking every 50 ms) until a condition on the server's side holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"Timed out waiting for {what}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until each page's status pill says its watch is live (the event stream is open).</summary>
    public static async Task WaitUntilLiveAsync(params IPage[] pages)
    {
        foreach (IPage page in pages)
        {
            await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "live");
        }
    }
}
