using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Signals.Client;
using Signals.Testing;
using static Signals.Samples.Chat.Counter.CounterApi;

namespace Signals.Browser.Tests;

/// <summary>The browser client module (<c>/signals/client.js</c>) used directly from a page, as an app's own script would.</summary>
public sealed class ClientModuleTests(Chromium chromium)
{
    [Fact]
    public async Task RealityEventSource_written_for_Reality_gets_open_then_a_message_per_change_with_the_fetched_data()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenOriginAsync(browser, app);

        // A page written against Reality's compat layer: only the import changes. The URL's path names the key, as in Reality.
        await page.EvaluateAsync("""
            async () => {
              const { createEventSource } = await import('/signals/client.js');
              window.received = [];
              const source = window.source = createEventSource('/counter/clicks', undefined, { fetcher: () => fetch('/api/counter').then(r => r.json()) });
              source.onopen = () => window.received.push({ type: 'open', readyState: source.readyState });
              source.addEventListener('message', e => window.received.push({ type: e.type, data: JSON.parse(e.data), lastEventId: e.lastEventId }));
            }
            """);
        await page.WaitForFunctionAsync("() => window.received.length === 2");
        (await app.Http.PostAsync("/api/counter/increment", null, TestContext.Current.CancellationToken)).Dispose();
        await page.WaitForFunctionAsync("() => window.received.length === 3");
        int readyState = await page.EvaluateAsync<int>("() => { window.source.close(); return window.source.readyState; }");

        JsonElement[] received = [.. (await page.EvaluateAsync<JsonElement>("() => window.received")).EnumerateArray()];
        CounterDto? server = await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", TestContext.Current.CancellationToken);
        Assert.Equal("open", received[0].GetProperty("type").GetString());
        Assert.Equal(1, received[0].GetProperty("readyState").GetInt32());
        Assert.Equal(0, received[1].GetProperty("data").GetProperty("count").GetInt64());
        Assert.Equal("0", received[1].GetProperty("lastEventId").GetString());
        Assert.Equal("message", received[2].GetProperty("type").GetString());
        Assert.Equal(1, received[2].GetProperty("data").GetProperty("count").GetInt64());
        Assert.Equal(server!.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), received[2].GetProperty("lastEventId").GetString());
        Assert.Equal(2, readyState);
    }

    [Fact]
    public async Task Sync_reports_changed_keys_and_long_polls_until_the_next_change()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenOriginAsync(browser, app);
        (await app.Http.PostAsync("/api/counter/increment", null, TestContext.Current.CancellationToken)).Dispose();

        long version = await page.EvaluateAsync<long>("""
            async () => {
              const { sync } = await import('/signals/client.js');
              const { changed } = await sync({ 'counter:clicks': 0, 'chat:room:never-used': 0 });
              if (Object.keys(changed).join() !== 'counter:clicks') throw new Error(JSON.stringify(changed));
              window.waiting = sync({ 'counter:clicks': changed['counter:clicks'].version }, { wait: 20000 });
              return changed['counter:clicks'].version;
            }
            """);
        (await app.Http.PostAsync("/api/counter/increment", null, TestContext.Current.CancellationToken)).Dispose();
        long next = await page.EvaluateAsync<long>("async () => (await window.waiting).changed['counter:clicks'].version");

        CounterDto? server = await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", TestContext.Current.CancellationToken);
        Assert.True(version > 0);
        Assert.Equal(server!.Version, next);
        Assert.True(next > version);
    }

    [Fact]
    public async Task Watch_of_an_invalid_key_fails_with_the_servers_explanation_and_does_not_retry()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenOriginAsync(browser, app);
        int syncRequests = 0;
        page.Request += (_, request) => syncRequests += request.Url.EndsWith("/signals/sync", StringComparison.Ordinal) ? 1 : 0;

        JsonElement failure = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const { watch, SignalsError } = await import('/signals/client.js');
              return await new Promise(resolve => watch(['chat:room:general', 'not a key'], () => {}, {
                onStatus: (status, error) => status === 'failed' && resolve({ isSignalsError: error instanceof SignalsError, status: error.status, message: error.message }),
              }));
            }
            """);

        Assert.True(failure.GetProperty("isSignalsError").GetBoolean());
        Assert.Equal(400, failure.GetProperty("status").GetInt32());
        Assert.Contains("not a key", failure.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, syncRequests);
    }

    [Fact]
    public async Task JavaScript_watch_and_dotnet_WatchAsync_report_the_same_versions_at_start_and_after_a_change()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenOriginAsync(browser, app);
        using CancellationTokenSource deadline = TestDeadline.Start(30);

        // Seeded rooms (changed), the counter (never changed in a new app) and a room nobody used (never changed).
        string[] keys = ["chat:rooms", "counter:clicks", "chat:room:quiet"];
        await page.EvaluateAsync("""
            async keys => {
              const { watch } = await import('/signals/client.js');
              window.reports = [];
              watch(keys, ({ key, version }) => window.reports.push(`${key}@${version}`));
            }
            """, keys);

        await using ServiceProvider services = new ServiceCollection().AddLogging().AddSignalsClient(app.BaseAddress).Services.BuildServiceProvider();
        await using IAsyncEnumerator<SignalVersion> dotnet = services.GetRequiredService<ISignalsClient>()
            .WatchAsync(keys.Select(SignalKey.Parse), deadline.Token).GetAsyncEnumerator(deadline.Token);
        List<string> reportedByDotnet = [];
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.True(await dotnet.MoveNextAsync());
            reportedByDotnet.Add($"{dotnet.Current.Key}@{dotnet.Current.Version}");
        }

        await page.WaitForFunctionAsync("n => window.reports.length >= n", keys.Length);
        string[] reportedByJs = await page.EvaluateAsync<string[]>("() => window.reports");
        Assert.Equal(reportedByJs.Order(StringComparer.Ordinal), reportedByDotnet.Order(StringComparer.Ordinal));
        Assert.Contains("counter:clicks@0", reportedByDotnet);
        Assert.Contains("chat:room:quiet@0", reportedByDotnet);
        Assert.DoesNotContain("chat:rooms@0", reportedByDotnet);

        // The first change of a key that was at 0 reaches both, at the same version.
        (await app.Http.PostAsync("/api/counter/increment", null, deadline.Token)).Dispose();
        Assert.True(await dotnet.MoveNextAsync());
        string change = $"{dotnet.Current.Key}@{dotnet.Current.Version}";
        Assert.StartsWith("counter:clicks@", change, StringComparison.Ordinal);
        await page.WaitForFunctionAsync("change => window.reports.includes(change)", change);
    }
}
