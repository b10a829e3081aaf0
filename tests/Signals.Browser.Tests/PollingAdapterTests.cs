using System.Text.Json;
using Microsoft.Playwright;

namespace Signals.Browser.Tests;

/// <summary><c>createPollingAdapter</c>: Reality's drop-in for setInterval polling, over long-poll sync.</summary>
public sealed class PollingAdapterTests(Chromium chromium)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Polling_adapter_written_for_Reality_gets_the_data_now_and_after_each_save_over_long_polls_and_stop_ends_them()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        IPage page = await ClientPage.OpenAsync(browser, app);
        List<int?> waits = [];
        int syncsOpen = 0;
        var aborted = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Request += (_, request) =>
        {
            if (IsSync(request) && request.PostData is { } body)
            {
                using var json = JsonDocument.Parse(body);
                lock (waits)
                {
                    waits.Add(json.RootElement.TryGetProperty("wait", out JsonElement wait) || json.RootElement.TryGetProperty("waitMs", out wait) ? wait.GetInt32() : null);
                }

                Interlocked.Increment(ref syncsOpen);
            }
        };
        page.RequestFinished += (_, request) => Interlocked.Add(ref syncsOpen, IsSync(request) ? -1 : 0);
        page.RequestFailed += (_, request) =>
        {
            if (IsSync(request))
            {
                Interlocked.Decrement(ref syncsOpen);
                aborted.TrySetResult(request.Failure);
            }
        };

        // As a page written against Reality calls it: the URL it polled, a callback, the client (here the module's own).
        await page.EvaluateAsync("""
            () => {
              window.received = [];
              window.adapter = signals.createPollingAdapter('/api/counter', data => received.push(data.count), undefined,
                { realityKey: 'counter:clicks', interval: 100 });
            }
            """);
        await page.WaitForFunctionAsync("() => received.length === 1");
        await app.IncrementCounterAsync();
        await page.WaitForFunctionAsync("() => received.length === 2");
        JsonElement state = await page.EvaluateAsync<JsonElement>("""
            () => ({ received, count: adapter.data.count, isLoading: adapter.isLoading, isStale: adapter.isStale, active: adapter.isActive(),
                     sinceSync: Date.now() - adapter.getLastSyncTime() })
            """);
        await Pages.WaitUntilAsync(() => Volatile.Read(ref syncsOpen) == 1, "the next long-poll");
        bool activeAfterStop = await page.EvaluateAsync<bool>("() => { adapter.stop(); return adapter.isActive(); }");
        string? failure = await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);

        Assert.Equal([0, 1], state.GetProperty("received").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1, state.GetProperty("count").GetInt32());
        Assert.False(state.GetProperty("isLoading").GetBoolean());
        Assert.False(state.GetProperty("isStale").GetBoolean());
        Assert.True(state.GetProperty("active").GetBoolean());
        Assert.InRange(state.GetProperty("sinceSync").GetDouble(), 0, 10_000);
        Assert.False(activeAfterStop);
        Assert.Equal("net::ERR_ABORTED", failure);
        Assert.Equal(0, app.Requests("GET /signals/events"));
        Assert.Equal(2, app.Requests("GET /api/counter"));
        lock (waits)
        {
            // The adapter's first versions and the start of its watch, then long-polls only.
            Assert.Equal([null, null], waits.Take(2));
            Assert.All(waits.Skip(2), wait => Assert.Equal(25_000, wait));
            Assert.True(waits.Count >= 4, $"{waits.Count} syncs");
        }
    }

    // Either form of sync: the key-list form first, then the cursor form its answer offers.
    private static bool IsSync(IRequest request)
        => request.Method == "POST" && (request.Url.EndsWith("/signals/sync", StringComparison.Ordinal) || request.Url.EndsWith("/signals/changes", StringComparison.Ordinal));
}
