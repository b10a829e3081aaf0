using Microsoft.Extensions.DependencyInjection;

namespace Signals.Client.Tests.Infrastructure;

/// <summary>A test server and a client of it: the HTTP client through <c>AddSignalsClient</c>, or the server's own embedded client.</summary>
public sealed class ClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider? _services;

    private ClientHarness(ClientTestServer server, ISignalsClient client, ServiceProvider? services)
    {
        Server = server;
        Client = client;
        _services = services;
    }

    public ClientTestServer Server { get; }

    public ISignalsClient Client { get; }

    /// <summary>Starts a live query of <paramref name="key"/> on <see cref="Client"/>, with its events raised synchronously (<see cref="Quietly"/>).</summary>
    public SignalQuery<T> Query<T>(SignalKey key, Func<CancellationToken, Task<T>> fetcher, SignalQueryOptions<T>? options = null)
        => Quietly.Create(() => new SignalQuery<T>(Client, key, fetcher, options));

    public static async Task<ClientHarness> StartAsync(
        ClientKind kind, Action<SignalsClientOptions>? configure = null, Action<Microsoft.AspNetCore.Builder.WebApplication>? map = null, SignalCatalog? catalog = null)
    {
        ClientTestServer server = await ClientTestServer.StartAsync(map, catalog);
        if (kind == ClientKind.Embedded)
        {
            return new ClientHarness(server, server.Services.GetRequiredService<ISignalsClient>(), null);
        }

        ServiceProvider services = CreateHttpServices(server.BaseAddress, configure);
        return new ClientHarness(server, services.GetRequiredService<ISignalsClient>(), services);
    }

    /// <summary>The HTTP client's services, with timings short enough for tests (each can be overridden by <paramref name="configure"/>).</summary>
    public static ServiceProvider CreateHttpServices(Uri baseAddress, Action<SignalsClientOptions>? configure = null, Action<IHttpClientBuilder>? http = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        IHttpClientBuilder builder = services.AddSignalsClient(baseAddress, o =>
        {
            o.ReconnectDelay = TimeSpan.FromMilliseconds(50);
            o.MaxReconnectDelay = TimeSpan.FromMilliseconds(500);
            o.StreamOpenTimeout = TimeSpan.FromSeconds(3);
            o.StreamIdleTimeout = TimeSpan.FromSeconds(3);
            o.LongPollWait = TimeSpan.FromSeconds(5);
            o.PollingInterval = TimeSpan.FromMilliseconds(100);
            o.RequestTimeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        });
        http?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
