using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Signals.Client.Tests.Infrastructure;

namespace Signals.Client.Tests;

/// <summary>Which client an app gets, the options' validation, and the IHttpClientFactory client every request goes through.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void AddEmbeddedClient_makes_the_embedded_client_the_app_client()
    {
        using ServiceProvider services = WithConfiguration(new ServiceCollection()).AddSignals().AddEmbeddedClient().Services.BuildServiceProvider();

        var client = Assert.IsType<EmbeddedSignalsClient>(services.GetRequiredService<ISignalsClient>());
        Assert.Same(client, services.GetRequiredService<EmbeddedSignalsClient>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddSignalsClient_makes_the_http_client_the_app_client_whichever_is_called_first(bool signalsFirst)
    {
        IServiceCollection collection = WithConfiguration(new ServiceCollection().AddLogging());
        if (signalsFirst)
        {
            collection.AddSignals().AddEmbeddedClient();
        }

        collection.AddSignalsClient(new Uri("http://127.0.0.1:5080"));
        if (!signalsFirst)
        {
            collection.AddSignals().AddEmbeddedClient();
        }

        using ServiceProvider services = collection.BuildServiceProvider();
        var client = Assert.IsType<SignalsClient>(services.GetRequiredService<ISignalsClient>());
        Assert.Same(client, services.GetRequiredService<SignalsClient>());
        Assert.NotNull(services.GetRequiredService<EmbeddedSignalsClient>());
    }

    [Fact]
    public void Invalid_options_fail_on_first_use_naming_every_offending_property()
    {
        using ServiceProvider services = ClientHarness.CreateHttpServices(new Uri("ftp://example.com"), o =>
        {
            o.PathPrefix = "/signals?x";
            o.LongPollWait = TimeSpan.Zero;
            o.ReconnectDelay = TimeSpan.FromSeconds(10);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(1);
            o.Mode = (SignalsClientMode)42;
        });

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<ISignalsClient>());
        Assert.Equal(5, error.Failures.Count());
        foreach (string property in (string[])["BaseAddress", "PathPrefix", "LongPollWait", "MaxReconnectDelay", "Mode"])
        {
            Assert.Contains(error.Failures, f => f.Contains($"SignalsClientOptions.{property}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Requests_go_through_the_named_http_client_and_its_handlers_under_the_base_address_path()
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientTestServer server = await ClientTestServer.StartAsync(app =>
        {
            // The app maps Signals under /app/signals (e.g. behind a path-based reverse proxy).
            app.MapGroup("/app").MapSignals();
        });
        await using ServiceProvider services = ClientHarness.CreateHttpServices(
            new Uri(server.BaseAddress, "app"),
            o => o.Mode = SignalsClientMode.LongPoll,
            http => http.AddHttpMessageHandler(() => new StampHandler()));
        var client = services.GetRequiredService<ISignalsClient>();
        SignalVersion changed = await server.ChangeAsync("chat:room:general");

        Assert.Single(await client.SyncAsync(new Dictionary<SignalKey, long> { [changed.Key] = 0 }, TimeSpan.Zero, deadline.Token));
        await using var watcher = new Watcher(client, deadline.Token, "chat:room:general");
        await watcher.UntilAsync("chat:room:general", changed.Version);

        Assert.NotEmpty(server.RequestsTo("POST", "/app/signals/sync"));
        Assert.All(server.Requests, r => Assert.Equal("stamped", r.TestHeader));
    }

    private static IServiceCollection WithConfiguration(IServiceCollection services)
        => services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());

    private sealed class StampHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Test", "stamped");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
