using Microsoft.Playwright;

namespace Signals.Browser.Tests;

/// <summary>The browser contexts of one test; disposing it closes them (so pages leave their rooms and stop reconnecting).</summary>
public sealed class BrowserSession(IBrowser browser) : IAsyncDisposable
{
    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>Opens a page in a new browser context: its own cookies and storage, so another user.</summary>
    public async Task<IPage> NewPageAsync()
    {
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1100, Height = 620 },
        });
        context.SetDefaultTimeout(10_000);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IBrowserContext context in _contexts)
        {
            await context.CloseAsync();
        }
    }
}
