using Microsoft.AspNetCore.Http.HttpResults;
using Signals;

namespace Signals.Samples.Chat.Counter;

/// <summary>
/// The counter's JSON API under <c>/api/counter</c>. Every change goes through <see cref="ISignalValueStore"/>, which does the
/// arithmetic in the store (<see cref="ISignalValueStore.IncrementAsync"/>): concurrent clicks from any number of pages never lose one,
/// and each change bumps <c>counter:clicks</c>, which is what tells every page to refresh. <c>ClickCounter.Values</c> are the typed
/// accessors the generator emits for the <see cref="ClickCounter"/> value signal.
/// </summary>
public static class CounterApi
{
    /// <summary>The largest amount one <c>add</c> request may add or subtract: 1,000,000.</summary>
    public const long MaxAmount = 1_000_000;

    /// <summary>The counter as the API returns it.</summary>
    /// <param name="Count">The count.</param>
    /// <param name="Version">The version of <c>counter:clicks</c> the count was read or written at (0 before the first click).</param>
    public sealed record CounterDto(long Count, long Version);

    /// <summary>An amount to add.</summary>
    /// <param name="Amount">Between -<see cref="MaxAmount"/> and <see cref="MaxAmount"/>.</param>
    public sealed record AddToCounter(long? Amount);

    /// <summary>Maps the counter sample: its API under <c>/api/counter</c> (the page is <c>wwwroot/counter.html</c>).</summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <returns>The API's route group.</returns>
    /// <remarks>Needs Signals' value store (<c>AddSignals()</c>; the app's EF Core outbox keeps it in the database); no services of its own.</remarks>
    public static RouteGroupBuilder MapCounterSample(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api/counter");
        api.MapGet("/", GetAsync);
        api.MapPost("/increment", (ISignalValueStore store, CancellationToken cancellationToken) => AddAsync(store, 1, cancellationToken));
        api.MapPost("/decrement", (ISignalValueStore store, CancellationToken cancellationToken) => AddAsync(store, -1, cancellationToken));
        api.MapPost("/add", AddAmountAsync);
        api.MapPost("/reset", ResetAsync);
        return api;
    }

    private static async Task<Ok<CounterDto>> GetAsync(ISignalValueStore store, CancellationToken cancellationToken)
        => ToDto(await ClickCounter.Values.GetWithVersionAsync(store, cancellationToken));

    private static async Task<Results<Ok<CounterDto>, ValidationProblem>> AddAmountAsync(AddToCounter add, ISignalValueStore store, CancellationToken cancellationToken)
    {
        if (add.Amount is not { } amount || amount is < -MaxAmount or > MaxAmount)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["amount"] = [$"An integer amount between {-MaxAmount:N0} and {MaxAmount:N0} is required."],
            });
        }

        return await AddAsync(store, amount, cancellationToken);
    }

    private static async Task<Ok<CounterDto>> AddAsync(ISignalValueStore store, long delta, CancellationToken cancellationToken)
        => ToDto(await ClickCounter.Values.IncrementCountAsync(store, delta, cancellationToken));

    private static async Task<Ok<CounterDto>> ResetAsync(ISignalValueStore store, CancellationToken cancellationToken)
        => ToDto(await ClickCounter.Values.SetAsync(store, ClickCounter.Values.CreateDefault(), cancellationToken));

    private static Ok<CounterDto> ToDto(SignalValue<ClickCounter> counter) => TypedResults.Ok(new CounterDto(counter.Value.Count, counter.Version));
}
