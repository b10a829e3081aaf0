using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Signals.Samples.Chat.Counter.CounterApi;

namespace Signals.Browser.Tests;

/// <summary>Mutations of the browser client (<c>mutation()</c>): optimistic updates on queries, rollback, refetch after.</summary>
public sealed class MutationTests(Chromium chromium)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // A counter query, a query of a key the counter never moves (so only an invalidation refetches it), and a mutation that adds to the
    // counter, optimistically, and invalidates that other key.
    private const string Setup = """
        () => {
          window.counter = signals.query('counter:clicks', { fetcher: () => api('GET', '/api/counter?q=counter') });
          window.other = signals.query('chat:rooms', { fetcher: () => api('GET', '/api/counter?q=other') });
          record('counter', counter);
          window.add = signals.mutation(amount => api('POST', '/api/counter/add', { amount }), {
            optimistic: { query: counter, update: (data, amount) => ({ ...data, count: data.count + amount, pending: true }) },
            invalidates: ['chat:rooms'],
            onError: (error, amount) => { window.failed = { message: error.message, amount }; },
          });
          window.pending = [];
          add.subscribe(({ isPending }) => { if (pending.at(-1) !== isPending) pending.push(isPending); });
        }
        """;

    [Fact]
    public async Task Mutation_shows_its_update_at_once_and_swaps_in_the_saved_data_in_one_change()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        (IPage page, TaskCompletionSource answer) = await OpenWithHeldCallsAsync(browser, app);

        await page.EvaluateAsync("() => { window.run = add.mutate(5); }");
        await page.WaitForFunctionAsync("() => counter.data.pending && add.isPending");
        CounterDto? whileHeld = await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", Cancel);
        answer.SetResult();
        JsonElement result = await page.EvaluateAsync<JsonElement>("() => run");

        CounterDto? saved = await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", Cancel);
        Assert.Equal(0, whileHeld?.Count);
        Assert.Equal(5, saved?.Count);
        Assert.Equal(5, result.GetProperty("count").GetInt64());
        // Optimistic at once, then the refetched data in one change: never back to 0, never the save counted twice.
        Assert.Equal(["count=undefined loading", "count=0", "count=5 pending", "count=5"], await DataShownAsync(page));
        Assert.Equal(5, await page.EvaluateAsync<long>("() => other.data.count"));
        bool[] pending = await page.EvaluateAsync<bool[]>("() => pending");
        Assert.Equal([false, true, false], pending);
        Assert.Equal(2, app.Requests("GET /api/counter?q=other"));   // its key never moved: refetched because the mutation names it
    }

    [Fact]
    public async Task Failed_mutation_rolls_its_update_back_and_rejects_with_the_servers_explanation()
    {
        await using SampleApp app = await SampleApp.StartAsync();
        await using BrowserSession browser = chromium.NewSession();
        (IPage page, TaskCompletionSource answer) = await OpenWithHeldCallsAsync(browser, app);

        await page.EvaluateAsync("() => { window.run = add.mutate(2000000).catch(error => error.message); }");
        await page.WaitForFunctionAsync("() => counter.data.pending");
        answer.SetResult();
        string? rejection = await page.EvaluateAsync<string>("() => run");

        JsonElement failed = await page.EvaluateAsync<JsonElement>("() => ({ ...failed, error: add.error.message, isPending: add.isPending })");
        Assert.Contains("between -1,000,000 and 1,000,000", rejection, StringComparison.Ordinal);
        Assert.Equal(rejection, failed.GetProperty("message").GetString());
        Assert.Equal(rejection, failed.GetProperty("error").GetString());
        Assert.Equal(2000000, failed.GetProperty("amount").GetInt64());
        Assert.False(failed.GetProperty("isPending").GetBoolean());
        Assert.Equal(["count=undefined loading", "count=0", "count=2000000 pending", "count=0"], await DataShownAsync(page));
        Assert.Equal(new CounterDto(0, 0), await app.Http.GetFromJsonAsync<CounterDto>("/api/counter", Cancel));
        // Nothing moved on the server: the queries were synced, not refetched.
        Assert.Equal(1, app.Requests("GET /api/counter?q=counter"));
        Assert.Equal(1, app.Requests("GET /api/counter?q=other"));
    }

    /// <summary>Opens a page with the queries and the mutation of <see cref="Setup"/> loaded, whose calls to add to the counter wait
    /// until the returned source is set: the test sees what the page shows while the call is on its way.</summary>
    private static async Task<(IPage Page, TaskCompletionSource Answer)> OpenWithHeldCallsAsync(BrowserSession browser, SampleApp app)
    {
        IPage page = await ClientPage.OpenAsync(browser, app);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/counter/add", async route =>
        {
            await answer.Task;
            await route.ContinueAsync();
        });
        await page.EvaluateAsync(Setup);
        await page.WaitForFunctionAsync("() => counter.data?.count === 0 && other.data?.count === 0");
        return (page, answer);
    }

    /// <summary>The data the counter query showed, in order: its states without the stale flag (a signal may or may not have
    /// arrived before the refetch that follows a mutation).</summary>
    private static async Task<string[]> DataShownAsync(IPage page)
    {
        string[] states = [.. (await page.EvaluateAsync<string[]>("() => states.counter")).Select(state => state.Replace(" stale", "", StringComparison.Ordinal))];
        return [.. states.Where((state, i) => i == 0 || state != states[i - 1])];
    }
}
