using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signals.Browser.Tests;

/// <summary>The chat page (<c>/</c>) in two browser contexts: messages, rooms and participants, all live.</summary>
public sealed class ChatPageTests(Chromium chromium)
{
    [Fact]
    public async Task Message_sent_in_one_context_appears_in_the_other_within_one_second()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        (IPage ada, IPage bob) = await OpenGeneralAsync(app, browser);

        await ada.FillAsync("#post input[name=text]", "hello from ada");
        await ada.ClickAsync("#post button");

        await Expect(bob.Locator("#messages li", new() { HasText = "hello from ada" })).ToBeVisibleAsync(new() { Timeout = 1_000 });
        await Expect(ada.Locator("#messages li", new() { HasText = "hello from ada" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Participants_joining_and_leaving_and_new_rooms_show_up_live()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        (IPage ada, IPage bob) = await OpenGeneralAsync(app, browser);

        await Expect(bob.Locator("#participants li")).ToHaveTextAsync(["ada", "bob"]);
        await Expect(ada.Locator("#participants li")).ToHaveTextAsync(["ada", "bob"]);

        // Ada creates a room and moves to it: Bob sees the room appear and Ada leave his room.
        const string name = "Book club";
        await ada.FillAsync("#new-room input", name);
        await ada.ClickAsync("#new-room button");
        await Expect(bob.Locator("#rooms button", new() { HasText = name })).ToBeVisibleAsync();
        await Expect(bob.Locator("#participants li")).ToHaveTextAsync(["bob"]);
        await Expect(ada.Locator("#participants li")).ToHaveTextAsync(["ada"]);
        await Expect(ada.Locator("#room-title")).ToHaveTextAsync($"# {name}");

        // Bob follows; a message there reaches Ada; the page as the README shows it.
        await bob.Locator("#rooms button", new() { HasText = name }).ClickAsync();
        await Expect(ada.Locator("#participants li")).ToHaveTextAsync(["ada", "bob"]);
        await SendAsync(bob, "Chapter 3 tonight?");
        await SendAsync(ada, "Yes, 8 pm works for me.");
        await SendAsync(bob, "Great, I'll bring the tea.");
        await Expect(ada.Locator("#messages li")).ToHaveTextAsync(["bobChapter 3 tonight?", "adaYes, 8 pm works for me.", "bobGreat, I'll bring the tea."]);
        await Screenshots.SaveAsync(bob, "chat");

        // Closing a tab leaves the room.
        await ada.Context.CloseAsync();
        await Expect(bob.Locator("#participants li")).ToHaveTextAsync(["bob"]);
    }

    /// <summary>Opens the room <c>general</c> as Ada and as Bob, each in a browser context of their own, and waits until both pages are live.</summary>
    private static async Task<(IPage Ada, IPage Bob)> OpenGeneralAsync(SampleApp app, BrowserSession browser)
    {
        IPage ada = await browser.NewPageAsync();
        IPage bob = await browser.NewPageAsync();
        await ada.GotoAsync(app.Url("/?room=general&name=ada").ToString());
        await bob.GotoAsync(app.Url("/?room=general&name=bob").ToString());
        await Pages.WaitUntilLiveAsync(ada, bob);
        return (ada, bob);
    }

    /// <summary>Sends a message with the Enter key and waits until the sender's page shows it.</summary>
    private static async Task SendAsync(IPage page, string text)
    {
        await page.FillAsync("#post input[name=text]", text);
        await page.PressAsync("#post input[name=text]", "Enter");
        await Expect(page.Locator("#messages li", new() { HasText = text })).ToBeVisibleAsync();
    }
}
