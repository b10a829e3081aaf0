using Signals.Client.Tests.Infrastructure;

namespace Signals.Client.Tests;

/// <summary>Mutations over both clients: optimistic updates shown at once, rolled back on failure, replaced by fetched data on success.</summary>
public sealed class SignalMutationTests
{
    private static readonly SignalKey General = SignalKey.Parse("chat:room:general");

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Optimistic_update_is_rolled_back_when_the_mutation_fails(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var app = new AppData("hello");
        await using SignalQuery<string[]> messages = harness.Query<string[]>(General, app.FetchAsync);
        await Await.UntilAsync(messages, q => !q.IsLoading, deadline.Token);

        var gate = new TaskCompletionSource();
        List<string> failed = [];
        SignalMutation<string, long> post = Quietly.Create(() => new SignalMutation<string, long>(
            async (text, token) =>
            {
                await gate.Task.WaitAsync(token);
                throw new InvalidOperationException("The server refused the message.");
            },
            new SignalMutationOptions<string, long> { OnError = (_, text) => failed.Add(text) }
                .Optimistic(messages, static (list, text) => [.. list, text])));

        Task<long> running = post.RunAsync("optimistic", deadline.Token);
        Assert.Equal(["hello", "optimistic"], messages.Data!);
        Assert.True(post.IsPending);

        // Someone else's change refetches while the mutation runs: the optimistic update stays on top of the new data.
        app.Messages = ["hello", "other"];
        SignalVersion other = await harness.Server.ChangeAsync(General.Value);
        await Await.UntilAsync(messages, q => q.Version == other.Version, deadline.Token);
        Assert.Equal(["hello", "other", "optimistic"], messages.Data!);

        gate.SetResult();
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => running);
        Assert.Equal(["hello", "other"], messages.Data!);
        Assert.Same(error, post.Error);
        Assert.Equal(["optimistic"], failed);
        Assert.False(post.IsPending);
        Assert.Equal(2, app.Fetches);
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Successful_mutation_swaps_the_optimistic_data_for_the_refetched_data_without_flicker(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var app = new AppData("hello");
        await using SignalQuery<string[]> messages = harness.Query<string[]>(General, app.FetchAsync);
        await using SignalQuery<string[]> counts = harness.Query<string[]>(SignalKey.Parse("chat:rooms"), _ => Task.FromResult<string[]>([app.Messages.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        await Await.UntilAsync(messages, q => !q.IsLoading, deadline.Token);
        await Await.UntilAsync(counts, q => !q.IsLoading, deadline.Token);
        List<string> shown = [];
        messages.PropertyChanged += (_, e) =>
        {
            if (e.PropertyName == nameof(messages.Data))
            {
                shown.Add(string.Join(",", messages.Data!));
            }
        };

        List<(long Result, string Argument)> succeeded = [];
        SignalMutation<string, long> post = Quietly.Create(() => new SignalMutation<string, long>(
            (text, _) =>
            {
                // The API saved the message; its signal has not arrived yet (the dispatcher publishes after the commit).
                app.Messages = [.. app.Messages, text + " (saved)"];
                return Task.FromResult(42L);
            },
            new SignalMutationOptions<string, long> { OnSuccess = (result, text) => succeeded.Add((result, text)) }
                .Optimistic(messages, static (list, text) => [.. list, text + " (sending)"])
                .Resync(counts)));

        Assert.Equal(42, await post.RunAsync("hi", deadline.Token));

        Assert.Equal(["hello,hi (sending)", "hello,hi (saved)"], shown);
        Assert.Equal(["2"], counts.Data!);
        Assert.Equal([(42L, "hi")], succeeded);
        Assert.Equal(42, post.Result);
        Assert.Null(post.Error);
        Assert.False(post.IsPending);
    }
}
