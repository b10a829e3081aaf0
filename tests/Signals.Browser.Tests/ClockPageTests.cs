using Microsoft.Playwright;
using Signals.Samples.Chat.Clock;
using static Microsoft.Playwright.Assertions;

namespace Signals.Browser.Tests;

/// <summary>The clock page: a server-side producer that ticks only while a page watches, and a per-room time-zone setting.</summary>
public sealed class ClockPageTests(Chromium chromium)
{
    [Fact]
    public async Task Clock_ticks_while_a_page_watches_and_the_producer_stops_after_the_last_page_closes()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        var producers = app.GetRequiredService<SignalProducers>();
        var hub = app.GetRequiredService<SignalHub>();
        SignalKey key = ClockTick.Keys.Value("general");
        Assert.False(producers.IsRunning(key));

        IPage first = await browser.NewPageAsync();
        IPage second = await browser.NewPageAsync();
        await first.GotoAsync(app.Url("/clock.html?room=general").ToString());
        await second.GotoAsync(app.Url("/clock.html?room=general").ToString());
        await Pages.WaitUntilLiveAsync(first, second);

        // It ticks: the time shown changes, twice.
        ILocator time = first.Locator("#time");
        await Expect(time).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d:\d\d:\d\d$"));
        for (int tick = 0; tick < 2; tick++)
        {
            await Expect(time).Not.ToHaveTextAsync(await time.TextContentAsync() ?? "");
        }

        Assert.True(producers.IsRunning(key));
        Assert.Equal(2, hub.GetWatcherCount(key));

        // The room's time zone is a setting every page follows.
        await first.SelectOptionAsync("#zone", "Asia/Tokyo");
        await Expect(second.Locator("#zone")).ToHaveValueAsync("Asia/Tokyo");
        await Expect(second.Locator("#date")).ToContainTextAsync("Asia/Tokyo (UTC+09:00)");
        await Screenshots.SaveAsync(second, "clock");

        // One page left: still ticking. The last one left: the producer stops after the grace period (1 s here, SampleApp).
        await first.Context.CloseAsync();
        await Expect(second.Locator("#time")).Not.ToHaveTextAsync(await second.Locator("#time").TextContentAsync() ?? "");
        Assert.True(producers.IsRunning(key));
        await second.Context.CloseAsync();
        await Pages.WaitUntilAsync(() => !producers.IsRunning(key), "the clock of room general to stop");

        Assert.Equal(0, hub.GetWatcherCount(key));
        long last = (await hub.GetVersionAsync(key, TestContext.Current.CancellationToken)).Version;
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        Assert.Equal(last, (await hub.GetVersionAsync(key, TestContext.Current.CancellationToken)).Version);
    }
}
