using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signals.AspNetCore;

namespace Signals.Client.Tests.Infrastructure;

/// <summary>
/// A Signals server on real Kestrel (127.0.0.1), with AddSignals + MapSignals and the in-memory store. The hub and the store live outside
/// the web app, as a database would: <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> restart the server on the same port
/// with every version kept, and changes can be recorded while it is down.
/// </summary>
public sealed class ClientTestServer : IAsyncDisposable
{
    public const int MaxKeys = 10;

    /// <summary>The authorization policy for <c>MapSignalValueWrites</c>: every caller satisfies it.</summary>
    public const string WritersPolicy = "anyone";

    private readonly Action<WebApplication>? _map;
    private readonly SignalCatalog _catalog;
    private WebApplication? _app;
    private int _port;
    private int _openStreams;

    private ClientTestServer(Action<WebApplication>? map, SignalCatalog? catalog)
    {
        _map = map;
        _catalog = catalog ?? new SignalCatalog([]);
        var options = new SignalsOptions { InstanceId = "client-tests", MaxKeysPerSubscription = MaxKeys };
        Hub = new SignalHub(Options.Create(options));
        Store = new InMemorySignalStore(Hub, TimeProvider.System);
    }

    public SignalHub Hub { get; }

    public InMemorySignalStore Store { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{_port}/");

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The server is stopped.");

    /// <summary>Gets every request the server received: method, path, and the Last-Event-ID and X-Test headers.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Gets how many event streams are open right now.</summary>
    public int OpenStreams => Volatile.Read(ref _openStreams);

    /// <summary>Starts a server on a free port.</summary>
    /// <param name="map">Maps extra endpoints (e.g. a scripted events stream with a lower order, which wins over MapSignals').</param>
    /// <param name="catalog">The declared signals; by default none, so every well-formed key is accepted.</param>
    public static async Task<ClientTestServer> StartAsync(Action<WebApplication>? map = null, SignalCatalog? catalog = null)
    {
        var server = new ClientTestServer(map, catalog);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again), on the port of the first start.</summary>
    public async Task StartAgainAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(Hub);
        builder.Services.AddSingleton(Store);

        // The console sample's test loads the chat sample into this process, and its generated module initializer registers the
        // sample's signals in SignalCatalog.Registered. This server composes keys by hand, so it declares none unless a test gives a
        // catalog: an empty catalog accepts every well-formed key, whichever test ran first.
        builder.Services.AddSingleton(_catalog);

        // Value writes (mapped by tests that write, with this policy) are open to every caller here.
        builder.Services.AddAuthorization(o => o.AddPolicy(WritersPolicy, p => p.RequireAssertion(_ => true)));
        builder.Services.AddSignals(o =>
        {
            o.InstanceId = "client-tests";
            o.MaxKeysPerSubscription = MaxKeys;
        }).AddEmbeddedClient().AddHttpEndpoints(o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.ReconnectionInterval = TimeSpan.FromMilliseconds(50);
            o.MaxLongPollWait = TimeSpan.FromSeconds(10);
        });

        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            HttpRequest request = context.Request;
            Requests.Enqueue(new RecordedRequest(request.Method, request.Path.Value ?? "", request.Headers["Last-Event-ID"].ToString(), request.Headers["X-Test"].ToString()));
            bool stream = request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) == true;
            if (stream)
            {
                Interlocked.Increment(ref _openStreams);
            }

            try
            {
                await next(context);
            }
            finally
            {
                if (stream)
                {
                    Interlocked.Decrement(ref _openStreams);
                }
            }
        });
        app.MapSignals();
        _map?.Invoke(app);

        await app.StartAsync(TestContext.Current.CancellationToken);
        _app = app;
        _port = new Uri(app.Urls.Single()).Port;
    }

    /// <summary>Stops the server (its open streams end); the hub and the store keep every version.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    /// <summary>Records a change of each key, as an app's save would; works while the server is stopped.</summary>
    public async Task<SignalVersion> ChangeAsync(string key)
        => (await Store.InvalidateAsync([SignalKey.Parse(key)], TestContext.Current.CancellationToken))[0];

    public IEnumerable<RecordedRequest> RequestsTo(string method, string path)
        => Requests.Where(r => r.Method == method && r.Path == path);

    public async ValueTask DisposeAsync() => await StopAsync();
}

public sealed record RecordedRequest(string Method, string Path, string LastEventId, string TestHeader);
