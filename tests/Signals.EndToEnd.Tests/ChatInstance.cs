using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Signals.Samples.Chat;

namespace Signals.EndToEnd.Tests;

/// <summary>One instance of the chat sample on real Kestrel, bound to a free loopback port.</summary>
internal sealed class ChatInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatInstance(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an instance.</summary>
    /// <param name="instanceId">The instance's name (<c>Signals:InstanceId</c>).</param>
    /// <param name="storage">Where the instance keeps its data.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <param name="settings">More configuration, as <c>--Section:Key value</c> pairs.</param>
    public static async Task<ChatInstance> StartAsync(string instanceId, ChatStorage storage, CancellationToken cancellationToken, params string[] settings)
    {
        if (storage.Environment is { Count: > 0 })
        {
            throw new ArgumentException("An instance in the test process reads the test process's environment: start a ChatProcess for storage chosen by environment variables.", nameof(storage));
        }

        List<string> args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Development",
            "--Signals:InstanceId", instanceId,
            "--Logging:LogLevel:Default", "Warning",
        ];
        args.AddRange(storage.Args);
        args.AddRange(settings);
        WebApplication app = ChatApp.Build([.. args]);
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ChatInstance(app, new Uri(address));
    }

    /// <summary>
    /// Disposes the app without stopping it, as near as one process gets to an instance that dies: no hosted service is stopped; the
    /// services are disposed, so its connections close (as the operating system closes a killed process's) and its work ends.
    /// </summary>
    public async ValueTask DisposeAbruptlyAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
