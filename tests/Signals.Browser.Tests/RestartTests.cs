using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signals.Browser.Tests;

/// <summary>Pages outlive their server: they notice it went away, reconnect when it is back, and stay current.</summary>
public sealed class RestartTests(Chromium chromium)
{
    [Fact]
    public async Task Pages_recover_after_the_server_restarts_on_the_same_port_with_its_data()
    {
        await using BrowserSession browser = chromium.NewSession();
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
            for (int i = 0; i < 5; i++)
            {
                await app.IncrementCounterAsync();
            }

            using HttpResponseMessage before = await app.Http.PostAsJsonAsync(
                "/api/rooms/random/messages", new { author = "bob", text = "said before the restart" }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
            await Expect(counter.Locator("#count")).ToHaveTextAsync("5");
        }
        finally
        {
            await app.DisposeAsync();
        }

        await Expect(chat.Locator("#status")).Not.ToHaveAttributeAsync("data-status", "live");

        // The same port and the same SQLite file: the restarted server has every message and click, and counts on from there.
        await using SampleApp restarted = await SampleApp.StartAsync(app.Port, app.Database);
        var backOnline = new System.Text.RegularExpressions.Regex("^(live|polling)$");
        await Expect(chat.Locator("#status")).ToHaveAttributeAsync("data-status", backOnline, new() { Timeout = 20_000 });
        await Expect(counter.Locator("#status")).ToHaveAttributeAsync("data-status", backOnline, new() { Timeout = 20_000 });
        await restarted.IncrementCounterAsync();
        await Expect(counter.Locator("#count")).ToHaveTextAsync("6");
        await Expect(chat.Locator("#messages li", new() { HasText = "said before the restart" })).ToBeVisibleAsync();
        using HttpResponseMessage after = await restarted.Http.PostAsJsonAsync(
            "/api/rooms/random/messages", new { author = "bob", text = "said after the restart" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        await Expect(chat.Locator("#messages li", new() { HasText = "said after the restart" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pages_recover_after_the_server_restarts_on_the_same_port_even_when_versions_went_back()
    {
        await using BrowserSession browser = chromium.NewSession();
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

            // Push the counter's version well past anything the restarted server will have: it starts on a new, empty database.
            for (int i = 0; i < 20; i++)
            {
                (await app.Http.PostAsync("/api/counter/increment", null, TestContext.Current.CancellationToken)).Dispose();
            }

            await Expect(counter.Locator("#count")).ToHaveTextAsync("20");
        }
        finally
        {
            await app.DisposeAsync();
        }

        await Expect(chat.Locator("#status")).Not.ToHaveAttributeAsync("data-status", "live");

        await using SampleApp restarted = await SampleApp.StartAsync(app.Port, SampleApp.NewDatabase());
        var backOnline = new System.Text.RegularExpressions.Regex("^(live|polling)$");
        await Expect(chat.Locator("#status")).ToHaveAttributeAsync("data-status", backOnline, new() { Timeout = 20_000 });
        await Expect(counter.Locator("#status")).ToHaveAttributeAsync("data-status", backOnline, new() { Timeout = 20_000 });

        // The restarted server forgot the counter: the page follows it back to 0 and then forward from the lower versions.
        await Expect(counter.Locator("#count")).ToHaveTextAsync("0");
        (await restarted.Http.PostAsync("/api/counter/increment", null, TestContext.Current.CancellationToken)).Dispose();
        await Expect(counter.Locator("#count")).ToHaveTextAsync("1");

        using HttpResponseMessage posted = await restarted.Http.PostAsJsonAsync(
            "/api/rooms/random/messages", new { author = "bob", text = "back after the restart" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        await Expect(chat.Locator("#messages li", new() { HasText = "back after the restart" })).ToBeVisibleAsync();
    }
}
