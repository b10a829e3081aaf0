using System.Net.Http.Json;
using Microsoft.Playwright;
using static Signals.Samples.Chat.Counter.CounterApi;
using static Microsoft.Playwright.Assertions;

namespace Signals.Browser.Tests;

/// <summary>The counter page: a value signal that many pages change at once.</summary>
public sealed class CounterPageTests(Chromium chromium)
{
    private const int ClicksPerPage = 25;

    [Fact]
    public async Task Clicks_in_two_contexts_converge_to_the_exact_total_also_on_a_polling_page()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage first = await browser.NewPageAsync();
        IPage second = await browser.NewPageAsync();
        IPage polling = await browser.NewPageAsync();
        await first.GotoAsync(app.Url("/counter.html").ToString());
        await second.GotoAsync(app.Url("/counter.html").ToString());
        await polling.GotoAsync(app.Url("/counter.html?transport=poll").ToString());
        await Pages.WaitUntilLiveAsync(first, second);
        await Expect(polling.Locator("#status")).ToHaveAttributeAsync("data-status", "polling");
        await Expect(first.Locator("#count")).ToHaveTextAsync("0");

        // Both pages click at the same time; every click is its own request.
        await Task.WhenAll(ClickAsync(first, "#increment", ClicksPerPage), ClickAsync(second, "#increment", ClicksPerPage));
        await ClickAsync(first, "#decrement", 5);
        await second.FillAsync("#add input", "100");
        await second.ClickAsync("#add button");

        const long expected = (2 * ClicksPerPage) - 5 + 100;
        foreach (IPage page in new[] { first, second, polling })
        {
            await Expect(page.Locator("#count")).ToHaveTextAsync(expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        CounterDto? state = await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", TestContext.Current.CancellationToken);
        Assert.Equal(expected, state?.Count);
        await Screenshots.SaveAsync(first, "counter");

        await polling.ClickAsync("#reset");
        await Expect(first.Locator("#count")).ToHaveTextAsync("0");
    }

    [Fact]
    public async Task Page_whose_event_stream_is_refused_falls_back_to_long_polling_and_stays_current()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage refused = await browser.NewPageAsync();
        await refused.RouteAsync("**/signals/events?**", route => route.FulfillAsync(new() { Status = 503, Body = "down for maintenance" }));
        IPage other = await browser.NewPageAsync();
        await refused.GotoAsync(app.Url("/counter.html").ToString());
        await other.GotoAsync(app.Url("/counter.html").ToString());
        await Pages.WaitUntilLiveAsync(other);

        await Expect(refused.Locator("#status")).ToHaveAttributeAsync("data-status", "polling");
        await other.ClickAsync("#increment");

        await Expect(refused.Locator("#count")).ToHaveTextAsync("1");
    }

    private static async Task ClickAsync(IPage page, string selector, int times)
    {
        for (int i = 0; i < times; i++)
        {
            await page.ClickAsync(selector);
        }
    }
}
