using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;

namespace Signals.Browser.Tests;

/// <summary>
/// A page of the sample app that scripts the browser client as an app's own script would: <c>window.signals</c> is the module
/// (<c>/signals/client.js</c>), <c>window.api(method, url, body)</c> calls the app's JSON API (the samples' own helper, which throws
/// the server's problem detail), and <c>window.record(name, query)</c> keeps the states a counter query shows in
/// <c>window.states[name]</c>, as text, skipping repeats: <c>count=N</c>, with <c> pending</c> for optimistic data, <c> loading</c> and
/// <c> stale</c> when so.
/// </summary>
internal static class ClientPage
{
    /// <summary>Opens a page on the app's origin that runs nothing of its own (its stylesheet), for a test that imports the module itself.</summary>
    public static async Task<IPage> OpenOriginAsync(BrowserSession browser, SampleApp app)
    {
        IPage page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/site.css").ToString());
        return page;
    }

    /// <summary>Opens a page on the app's origin with the module, the app's API helper and <c>window.record</c> set up (see the class).</summary>
    public static async Task<IPage> OpenAsync(BrowserSession browser, SampleApp app)
    {
        IPage page = await OpenOriginAsync(browser, app);
        await page.EvaluateAsync("""
            async () => {
              window.signals = await import('/signals/client.js');
              ({ api: window.api } = await import('/site.js'));
              window.states = {};
              window.record = (name, query) => {
                const states = window.states[name] = [];
                query.subscribe(({ data, isLoading, isStale }) => {
                  const state = `count=${data?.count}${data?.pending ? ' pending' : ''}${isLoading ? ' loading' : ''}${isStale ? ' stale' : ''}`;
                  if (states.at(-1) !== state) states.push(state);
                });
              };
            }
            """);
        return page;
    }

    /// <summary>Records the keys of every sync request the page sends from now on, one sorted list per request.</summary>
    public static ConcurrentQueue<string[]> RecordSyncs(IPage page)
    {
        ConcurrentQueue<string[]> syncs = new();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/signals/sync", StringComparison.Ordinal) && request.PostData is { } body)
            {
                using var json = JsonDocument.Parse(body);
                syncs.Enqueue([.. json.RootElement.GetProperty("known").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)]);
            }
        };
        return syncs;
    }

    /// <summary>
    /// Sends the page's event streams to a server that answers once with nothing but a 10-minute <c>retry:</c> and hangs up, as a
    /// proxy that cuts streams would: the page hears of no change until it syncs.
    /// </summary>
    public static Task CutEventStreamsAsync(IPage page)
        => page.RouteAsync("**/signals/events?**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "text/event-stream",
            Body = "retry: 600000\n\n",
        }));
}
