using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Signals.Samples.Chat.Counter.CounterApi;

namespace Signals.Browser.Tests;

/// <summary>The query layer of the browser client (<c>query()</c>), driven by saves through the sample's API.</summary>
public sealed class QueryTests(Chromium chromium)
{
    private const string Counter = "counter:clicks";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Query_shows_its_fallback_then_its_data_and_refetches_once_per_save()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await app.IncrementCounterAsync();   // the key has a version: the first fetch must be labelled with it, or it would be fetched twice
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenAsync(browser, app);

        await page.EvaluateAsync("""
            () => {
              window.q = signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=a'), fallback: { count: -1 } });
              record('q', q);
            }
            """);
        await page.WaitForFunctionAsync("() => q.data.count === 1 && !q.isLoading");
        await app.IncrementCounterAsync();
        await page.WaitForFunctionAsync("() => q.data.count === 2 && !q.isStale");

        string[] states = await page.EvaluateAsync<string[]>("() => states.q");
        long version = (await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", Cancel))!.Version;
        Assert.Equal(["count=-1 loading", "count=1", "count=1 stale", "count=2"], states);
        Assert.Equal(version, await page.EvaluateAsync<long>("() => q.versions['counter:clicks']"));
        Assert.Equal(2, app.Requests("GET /api/counter?q=a"));
    }

    [Fact]
    public async Task Failed_refetch_keeps_the_data_shows_the_error_and_is_tried_again()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenAsync(browser, app);
        int answered = 0;
        await page.RouteAsync("**/api/counter?q=e", route => Interlocked.Increment(ref answered) == 2
            ? route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json", Body = """{"title":"Down for maintenance."}""" })
            : route.ContinueAsync());
        await page.EvaluateAsync("""
            () => {
              window.q = signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=e'), errorRetryInterval: 200 });
              window.errors = [];
              q.subscribe(({ error }) => { if (errors.at(-1) !== (error?.message ?? 'none')) errors.push(error?.message ?? 'none'); });
              record('q', q);
            }
            """);
        await page.WaitForFunctionAsync("() => q.data?.count === 0");

        await app.IncrementCounterAsync();
        await page.WaitForFunctionAsync("() => q.data.count === 1");

        Assert.Equal(["none", "Down for maintenance.", "none"], await page.EvaluateAsync<string[]>("() => errors"));
        Assert.Equal(["count=undefined loading", "count=0", "count=0 stale", "count=1"], await page.EvaluateAsync<string[]>("() => states.q"));
        Assert.Equal(3, answered);
    }

    [Fact]
    public async Task Queries_opened_together_share_one_sync_and_one_event_stream_and_close_without_leaving_listeners()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        SignalHub hub = app.GetRequiredService<SignalHub>();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenAsync(browser, app);
        ICDPSession devTools = await page.Context.NewCDPSessionAsync(page);

        await page.EvaluateAsync("""
            () => {
              window.queries = [
                signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=a') }),
                signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=b') }),
                signals.query(['chat:rooms', 'counter:clicks'], { fetcher: () => api('GET', '/api/rooms') }),
              ];
            }
            """);
        await page.WaitForFunctionAsync("() => queries.every(q => q.data !== undefined)");
        await Pages.WaitUntilAsync(() => hub.GetWatcherCount(SignalKey.Parse(Counter)) == 1 && hub.GetWatcherCount(SignalKey.Parse("chat:rooms")) == 1,
            "one event stream for both keys");
        string[] listening = await EventListenersAsync(devTools);

        await page.EvaluateAsync("() => queries.forEach(q => q.close())");

        await Pages.WaitUntilAsync(() => hub.GetWatcherCount(SignalKey.Parse(Counter)) == 0 && hub.GetWatcherCount(SignalKey.Parse("chat:rooms")) == 0,
            "the event stream to close");
        Assert.Equal(["document:visibilitychange", "window:focus", "window:online"], listening);
        Assert.Empty(await EventListenersAsync(devTools));
        Assert.Equal(1, app.Requests("GET /signals/events"));
        Assert.Equal(2, app.Requests("POST /signals/sync"));   // the queries' first versions, then the watch's own start
    }

    [Fact]
    public async Task Refetches_asked_for_together_share_one_request_and_dedupe_coalesces_saves_into_one_refetch()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenAsync(browser, app);
        await page.EvaluateAsync("() => window.q = signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=d'), dedupe: 3000 })");
        await page.WaitForFunctionAsync("() => q.data?.count === 0");

        await page.EvaluateAsync("() => Promise.all([q.invalidate(), q.invalidate(), q.invalidate()])");
        int afterInvalidate = app.Requests("GET /api/counter?q=d");
        // Five saves within the dedupe interval of that fetch: one refetch at its end shows all of them.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.IncrementCounterAsync()));
        await page.WaitForFunctionAsync("() => q.data.count === 5 && !q.isStale");

        Assert.Equal(2, afterInvalidate);
        Assert.Equal(3, app.Requests("GET /api/counter?q=d"));
    }

    [Fact]
    public async Task Focus_syncs_all_watched_keys_once_and_refetches_only_the_queries_whose_data_is_stale()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenAsync(browser, app);
        await ClientPage.CutEventStreamsAsync(page);
        await page.EvaluateAsync("""
            () => {
              window.fresh = signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=fresh'), staleTime: 60000 });
              window.aging = signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=aging'), staleTime: 300 });
              window.room = signals.query('chat:room:general', { fetcher: () => api('GET', '/api/rooms/general/messages') });
              window.focusWindow = () => {
                window.dispatchEvent(new Event('focus'));
                document.dispatchEvent(new Event('visibilitychange'));   // switching back to a tab brings both at once
              };
            }
            """);
        await page.WaitForFunctionAsync("() => fresh.data?.count === 0 && aging.data?.count === 0 && room.data !== undefined");
        await app.IncrementCounterAsync();   // the page's stream is cut: it hears nothing of this save
        await page.WaitForFunctionAsync("() => aging.isStale && !fresh.isStale");
        var syncs = ClientPage.RecordSyncs(page);

        await page.EvaluateAsync("() => focusWindow()");
        await page.WaitForFunctionAsync("() => fresh.data.count === 1 && aging.data.count === 1");
        // No save this time: only the query older than its stale time refetches.
        await page.WaitForFunctionAsync("() => aging.isStale");
        await page.EvaluateAsync("() => focusWindow()");
        await page.WaitForFunctionAsync("() => !aging.isStale && !aging.isSyncing");

        Assert.Equal([["chat:room:general", Counter], ["chat:room:general", Counter]], syncs.ToArray());
        Assert.Equal(2, app.Requests("GET /api/counter?q=fresh"));   // at start; after the save the focus found
        Assert.Equal(3, app.Requests("GET /api/counter?q=aging"));   // at start; after the save (stale twice over, fetched once); once more
        Assert.Equal(1, app.Requests("GET /api/rooms/general/messages"));
    }

    [Fact]
    public async Task Coming_back_online_syncs_once_and_shows_what_changed_while_offline()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenAsync(browser, app);
        await ClientPage.CutEventStreamsAsync(page);
        await page.EvaluateAsync("() => window.q = signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=o') })");
        await page.WaitForFunctionAsync("() => q.data?.count === 0");

        await page.Context.SetOfflineAsync(true);
        await page.WaitForFunctionAsync("() => !navigator.onLine");
        await app.IncrementCounterAsync();
        var syncs = ClientPage.RecordSyncs(page);
        await page.Context.SetOfflineAsync(false);
        await page.WaitForFunctionAsync("() => q.data.count === 1");

        Assert.Equal([[Counter]], syncs.ToArray());
        Assert.Equal(2, app.Requests("GET /api/counter?q=o"));
    }

    [Fact]
    public async Task Key_the_server_refuses_fails_only_its_own_query_and_bad_options_throw_at_once()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenAsync(browser, app);

        JsonElement thrown = await page.EvaluateAsync<JsonElement>("""
            () => {
              const attempt = create => { try { create(); return 'created'; } catch (e) { return `${e.name}: ${e.message}`; } };
              const fetcher = () => api('GET', '/api/counter');
              return [
                attempt(() => signals.query([], { fetcher })),
                attempt(() => signals.query('counter:clicks', {})),
                attempt(() => signals.query('counter:clicks', { fetcher, staleTime: -5 })),
                attempt(() => signals.query('counter:clicks', { fetcher, dedupe: 1.5 })),
                attempt(() => signals.mutation('not a function')),
                attempt(() => signals.mutation(() => 1, { optimistic: { query: 'counter:clicks', update: d => d } })),
              ];
            }
            """);
        await page.EvaluateAsync("""
            () => {
              window.fetched = [];
              window.good = signals.query('counter:clicks', { fetcher: () => { fetched.push('good'); return api('GET', '/api/counter'); } });
              window.bad = signals.query('chat:no-such-signal', { fetcher: () => { fetched.push('bad'); return api('GET', '/api/counter'); } });
            }
            """);
        await page.WaitForFunctionAsync("() => good.data?.count === 0 && bad.error !== null");
        await app.IncrementCounterAsync();
        await page.WaitForFunctionAsync("() => good.data.count === 1");

        string[] messages = [.. thrown.EnumerateArray().Select(e => e.GetString()!)];
        Assert.StartsWith("TypeError: A query needs one or more signal keys", messages[0], StringComparison.Ordinal);
        Assert.StartsWith("TypeError: A query needs a fetcher", messages[1], StringComparison.Ordinal);
        Assert.Equal("RangeError: staleTime must be one or more whole milliseconds (at most 2147483647); got -5.", messages[2]);
        Assert.Equal("RangeError: dedupe must be zero or more whole milliseconds (at most 2147483647); got 1.5.", messages[3]);
        Assert.StartsWith("TypeError: A mutation needs a function", messages[4], StringComparison.Ordinal);
        Assert.StartsWith("TypeError: optimistic takes {query, update} objects", messages[5], StringComparison.Ordinal);
        JsonElement refusal = await page.EvaluateAsync<JsonElement>(
            "() => ({ status: bad.error.status, type: bad.error.type, loading: bad.isLoading, fetched: fetched.filter(f => f === 'bad').length })");
        Assert.Equal(400, refusal.GetProperty("status").GetInt32());
        Assert.Equal("https://signals.dev/problems/unknown-signal", refusal.GetProperty("type").GetString());
        Assert.False(refusal.GetProperty("loading").GetBoolean());
        Assert.Equal(0, refusal.GetProperty("fetched").GetInt32());
    }

    /// <summary>The focus, visibility and network listeners of the page's window and document, as "window:focus".</summary>
    private static async Task<string[]> EventListenersAsync(ICDPSession devTools)
    {
        List<string> found = [];
        foreach (string target in new[] { "window", "document" })
        {
            JsonElement? evaluated = await devTools.SendAsync("Runtime.evaluate", new Dictionary<string, object> { ["expression"] = target });
            string objectId = evaluated!.Value.GetProperty("result").GetProperty("objectId").GetString()!;
            JsonElement? listeners = await devTools.SendAsync("DOMDebugger.getEventListeners", new Dictionary<string, object> { ["objectId"] = objectId });
            found.AddRange(listeners!.Value.GetProperty("listeners").EnumerateArray()
                .Select(listener => listener.GetProperty("type").GetString())
                .Where(type => type is "focus" or "visibilitychange" or "online" or "offline")
                .Select(type => $"{target}:{type}"));
        }

        return [.. found.Order(StringComparer.Ordinal)];
    }
}
