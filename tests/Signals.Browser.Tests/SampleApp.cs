using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.Samples.Chat;

namespace Signals.Browser.Tests;

/// <summary>
/// The samples app on real Kestrel at 127.0.0.1, as <c>dotnet run</c> starts it with no set-up (its SQLite default, here a file of its own
/// in a temporary directory), counting the requests it answers.
/// </summary>
internal sealed class SampleApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _requests;

    private SampleApp(WebApplication app, int port, string database, ConcurrentDictionary<string, int> requests)
    {
        _app = app;
        Database = database;
        _requests = requests;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>Gets the SQLite file the app keeps its data in.</summary>
    public string Database { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>
    /// Starts the app on <paramref name="port"/>, or on a free port when it is 0, with its data in <paramref name="database"/>, or in a new
    /// SQLite file when it is <see langword="null"/>.
    /// </summary>
    public static async Task<SampleApp> StartAsync(int port = 0, string? database = null)
    {
        database ??= NewDatabase();
        if (port == 0)
        {
            // Pick the port first, so the app can be restarted on the same one.
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        WebApplication app = ChatApp.Build(
        [
            "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--environment", "Development",
            "--Logging:LogLevel:Default", "Warning",
            "--ConnectionStrings:SignalsSqlite", $"Data Source={database}",
            "--Signals:Producers:GracePeriod", "00:00:01",
        ]);
        // Runs before the endpoints (WebApplication adds routing first and the endpoints last), after the static files.
        var requests = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        app.Use((context, next) =>
        {
            requests.AddOrUpdate($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}", 1, static (_, count) => count + 1);
            return next(context);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var sample = new SampleApp(app, port, database, requests);
        await sample.WaitUntilHealthyAsync();
        return sample;
    }

    /// <summary>Gets the path of a new SQLite file in a temporary directory of its own (the operating system's to clean).</summary>
    public static string NewDatabase()
    {
        string directory = Path.Combine(Path.GetTempPath(), "signals-browser", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, "chat.db");
    }

    /// <summary>
    /// Waits (at most 10 s) until <c>/health</c> reports Healthy: the dispatcher has loaded the outbox, so the seeded rooms' versions are
    /// in the hub and a test that compares versions before and after a request sees only what the request did.
    /// </summary>
    private async Task WaitUntilHealthyAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (await Http.GetStringAsync("/health", deadline.Token) != "Healthy")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

    /// <summary>
    /// Gets how many requests the app has answered so far for a method and a path: with a query, exactly that one
    /// (<c>GET /api/counter?q=a</c>); without, whatever the query (<c>GET /signals/events</c>).
    /// </summary>
    public int Requests(string methodAndPath)
        => _requests.Where(r => r.Key == methodAndPath || (!methodAndPath.Contains('?', StringComparison.Ordinal) && r.Key.StartsWith(methodAndPath + "?", StringComparison.Ordinal)))
            .Sum(r => r.Value);

    /// <summary>Adds one to the sample's counter through its API: a save that moves <c>counter:clicks</c>.</summary>
    public async Task IncrementCounterAsync()
        => (await Http.PostAsync("/api/counter/increment", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode().Dispose();

    public T GetRequiredService<T>()
        where T : notnull
        => _app.Services.GetRequiredService<T>();

    public Uri Url(string relative) => new(BaseAddress, relative);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
