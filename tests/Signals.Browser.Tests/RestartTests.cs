using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signals.Browser.Tests;

/// <summary>Pages outlive their server: they notice it went away, reconnect when it is back, and stay current.</summary>
public sealed class RestartTests(Chromium chromium)
{
    private static readonly Regex BackOnline = new("^(live|polling)$");

    [Fact]
    public async Task Pages_recover_after_the_server_restarts_on_the_same_port_with_its_data()
    {
        await using BrowserSession browser = chromium.NewSession();
        (SampleApp app, IPage chat, IPage counter) = await ServeThenStopAsync(browser, clicks: 5, "said before the restart");

        // The same port and the same SQLite file: the restarted server has every message and click, and counts on from there.
        await using SampleApp restarted = await SampleApp.StartAsync(app.Port, app.Database);
        await WaitUntilBackOnlineAsync(chat, counter);
        await restarted.IncrementCounterAsync();
        await Expect(counter.Locator("#count")).ToHaveTextAsync("6");
        await Expect(chat.Locator("#messages li", new() { HasText = "said before the restart" })).ToBeVisibleAsync();
        await PostAsync(restarted, "said after the restart");
        await Expect(chat.Locator("#messages li", new() { HasText = "said after the restart" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pages_recover_after_the_server_restarts_on_the_same_port_even_when_versions_went_back()
    {
        // Push the counter's version well past anything the restarted server will have: it starts on a new, empty database.
        await using BrowserSession browser = chromium.NewSession();
        (SampleApp app, IPage chat, IPage counter) = await ServeThenStopAsync(browser, clicks: 20, message: null);

        await using SampleApp restarted = await SampleApp.StartAsync(app.Port, SampleApp.NewDatabase());
        await WaitUntilBackOnlineAsync(chat, counter);

        // The restarted server forgot the counter: the page follows it back to 0 and then forward from the lower versions.
        await Expect(counter.Locator("#count")).ToHaveTextAsync("0");
        await restarted.IncrementCounterAsync();
        await Expect(counter.Locator("#count")).ToHaveTextAsync("1");
        await PostAsync(restarted, "back after the restart");
        await Expect(chat.Locator("#messages li", new() { HasText = "back after the restart" })).ToBeVisibleAsync();
    }

    /// <summary>
    /// Starts the app, opens the chat (room <c>random</c>) and the counter, clicks the counter <paramref name="clicks"/> times (and posts
    /// <paramref name="message"/>), then stops the app and waits until the chat page noticed.
    /// </summary>
    private static async Task<(SampleApp App, IPage Chat, IPage Counter)> ServeThenStopAsync(BrowserSession browser, int clicks, string? message)
    {
        SampleApp app = await SampleApp.StartAsync();
        IPage chat;
        IPage counter;
        try
        {
            chat = await browser.NewPageAsync();
            counter = await browser.NewPageAsync();
            await chat.GotoAsync(app.Url("/?room=random&name=ada").ToString());
            await counter.GotoAsync(app.Url("/counter.html").ToString());
            await Pages.WaitUntilLiveAsync(chat, counter);
            for (int i = 0; i < clicks; i++)
            {
                await app.IncrementCounterAsync();
            }

            if (message is not null)
            {
                await PostAsync(app, message);
            }

            await Expect(counter.Locator("#count")).ToHaveTextAsync(clicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await app.DisposeAsync();
        }

        await Expect(chat.Locator("#status")).Not.ToHaveAttributeAsync("data-status", "live");
        return (app, chat, counter);
    }

    private static async Task WaitUntilBackOnlineAsync(IPage chat, IPage counter)
    {
        await Expect(chat.Locator("#status")).ToHaveAttributeAsync("data-status", BackOnline, new() { Timeout = 20_000 });
        await Expect(counter.Locator("#status")).ToHaveAttributeAsync("data-status", BackOnline, new() { Timeout = 20_000 });
    }

    private static async Task PostAsync(SampleApp app, string text)
    {
        using HttpResponseMessage posted = await app.Http.PostAsJsonAsync(
            "/api/rooms/random/messages", new { author = "bob", text }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }
}
