using Signals.Testing;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>SSE connections read with <c>SseParser</c> (<see cref="SseClient"/>, the tests' client), over one <see cref="HttpClient"/>.</summary>
internal sealed class SseSubscribers : Subscribers
{
    private readonly HttpClient _http;
    private readonly string _pathAndQuery;
    private readonly Func<CancellationToken, Task<string>>? _resumeFrom;
    private readonly CancellationTokenSource _lifetime;
    private readonly List<SseClient> _clients = [];
    private readonly List<Task> _reading = [];

    /// <summary>Initializes a new instance.</summary>
    /// <param name="server">The server.</param>
    /// <param name="pathAndQuery">The stream, e.g. <c>/signals/events?key=bench:item:1</c>.</param>
    /// <param name="resumeFrom">Gets the <c>Last-Event-ID</c> for new connections (so they start with no backlog), or <see langword="null"/>.</param>
    /// <param name="capacity">The most connections this set will open.</param>
    /// <param name="deadline">Ends every connection when it passes.</param>
    public SseSubscribers(Uri server, string pathAndQuery, Func<CancellationToken, Task<string>>? resumeFrom, int capacity, CancellationToken deadline)
        : base(capacity)
    {
        _pathAndQuery = pathAndQuery;
        _resumeFrom = resumeFrom;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30), MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = server,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <inheritdoc/>
    public override async Task OpenAsync(int total, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(total, Capacity);
        string? lastEventId = _resumeFrom is null ? null : await _resumeFrom(cancellationToken);
        await Parallel.ForEachAsync(
            Enumerable.Range(Count, Math.Max(0, total - Count)),
            new ParallelOptions { MaxDegreeOfParallelism = OpenConcurrency, CancellationToken = cancellationToken },
            async (index, _) =>
            {
                SseClient client = await SseClient.OpenAsync(_http, _pathAndQuery, _lifetime.Token, lastEventId);
                lock (_clients)
                {
                    _clients.Add(client);
                    _reading.Add(ReadAsync(client, index));
                }
            });
        Count = Math.Max(Count, total);
    }

    /// <inheritdoc/>
    protected override async ValueTask CloseAsync()
    {
        // Stop the readers first: a stream cannot be disposed while a read is pending on it.
        await _lifetime.CancelAsync();
        await Task.WhenAll(_reading);
        foreach (SseClient client in _clients)
        {
            await client.DisposeAsync();
        }

        _http.Dispose();
        _lifetime.Dispose();
    }

    private async Task ReadAsync(SseClient client, int index)
    {
        try
        {
            while (true)
            {
                await client.NextAsync();
                OnEvent(index);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException or InvalidOperationException)
        {
            // Closed at the end of the run.
        }
    }
}
