using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Signals.Samples.Chat.Counter.CounterApi;

namespace Signals.Browser.Tests;

/// <summary>The browser client's cursor form of sync (<c>changes()</c>, and the watch's long-polls), against the sample app on its SQLite file.</summary>
public sealed class CursorFormTests(Chromium chromium)
{
    [Fact]
    public async Task A_polling_watch_polls_from_the_cursor_after_its_first_sync_and_reports_every_change()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenOriginAsync(browser, app);

        await page.EvaluateAsync("""
            async () => {
              const { watch } = await import('/signals/client.js');
              window.reports = [];
              window.watch = watch(['counter:clicks', 'chat:room:quiet'], ({ key, version }) => window.reports.push(`${key}@${version}`),
                { transport: 'poll', pollWaitMs: 20000, pollIntervalMs: 50 });
            }
            """);
        await page.WaitForFunctionAsync("() => window.reports.length === 2");
        await app.IncrementCounterAsync();
        await page.WaitForFunctionAsync("() => window.reports.length === 3");
        await app.IncrementCounterAsync();
        await page.WaitForFunctionAsync("() => window.reports.length === 4");
        string[] reports = await page.EvaluateAsync<string[]>("() => { window.watch.close(); return window.reports; }");

        CounterDto? server = await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", TestContext.Current.CancellationToken);
        Assert.Equal($"counter:clicks@{server!.Version}", reports[3]);
        Assert.Equal(["chat:room:quiet@0", "counter:clicks@0"], reports[..2].Order(StringComparer.Ordinal));
        Assert.Equal(1, app.Requests("POST /signals/sync"));
        Assert.True(app.Requests("POST /signals/changes") >= 2);
    }

    [Fact]
    public async Task Changes_answers_only_what_changed_since_the_cursor_and_resets_a_cursor_from_the_future()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenOriginAsync(browser, app);

        string cursor = await page.EvaluateAsync<string>("""
            async () => {
              const { changes } = await import('/signals/client.js');
              const first = await changes(['counter:clicks', 'chat:rooms'], null);
              if (!first.changed['chat:rooms'] || first.changed['counter:clicks']) throw new Error(JSON.stringify(first));
              window.waiting = changes(['counter:clicks', 'chat:rooms'], first.cursor, { wait: 20000 });
              return first.cursor;
            }
            """);
        await app.IncrementCounterAsync();
        JsonElement next = JsonDocument.Parse(await page.EvaluateAsync<string>("async () => JSON.stringify(await window.waiting)")).RootElement;
        JsonElement reset = JsonDocument.Parse(await page.EvaluateAsync<string>("""
            async () => JSON.stringify(await (await import('/signals/client.js')).changes(['counter:clicks', 'chat:room:quiet'], '999999999'))
            """)).RootElement;

        CounterDto? server = await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", TestContext.Current.CancellationToken);
        Assert.Equal(["counter:clicks"], next.GetProperty("changed").EnumerateObject().Select(p => p.Name));
        Assert.Equal(server!.Version, next.GetProperty("changed").GetProperty("counter:clicks").GetProperty("version").GetInt64());
        Assert.NotEqual(cursor, next.GetProperty("cursor").GetString());
        Assert.True(reset.GetProperty("reset").GetBoolean());
        Assert.Equal(0, reset.GetProperty("changed").GetProperty("chat:room:quiet").GetProperty("version").GetInt64());
        Assert.Equal(server.Version, reset.GetProperty("changed").GetProperty("counter:clicks").GetProperty("version").GetInt64());
    }
}
