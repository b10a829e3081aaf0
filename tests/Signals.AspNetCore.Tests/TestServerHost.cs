using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Signals.AspNetCore;

namespace Signals.AspNetCore.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 with an OS-assigned port, Signals added and mapped, and an <see cref="HttpClient"/> for it.</summary>
public sealed class TestServerHost : IAsyncDisposable
{
    public const string InstanceId = "test-1";

    private TestServerHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public SignalHub Hub => App.Services.GetRequiredService<SignalHub>();

    public static async Task<TestServerHost> StartAsync(
        Action<SignalsEndpointOptions>? endpoints = null,
        Action<SignalsOptions>? signals = null,
        Action<WebApplication>? map = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSignals(o =>
        {
            o.InstanceId = InstanceId;
            signals?.Invoke(o);
        }).AddHttpEndpoints(endpoints);

        WebApplication app = builder.Build();
        if (map is null)
        {
            app.MapSignals();
        }
        else
        {
            map(app);
        }

        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(app.Urls.Single());
        return new TestServerHost(app, address);
    }

    /// <summary>Records a change of each key through the store, as an app would.</summary>
    public async Task<IReadOnlyList<SignalVersion>> ChangeAsync(params string[] keys)
        => await App.Services.GetRequiredService<ISignalStore>().InvalidateAsync(keys.Select(SignalKey.Parse), TestContext.Current.CancellationToken);

    /// <summary>Posts a JSON body to <c>/signals/sync</c>.</summary>
    public Task<HttpResponseMessage> PostSyncAsync(string json, CancellationToken cancellationToken)
        => Client.PostAsync("/signals/sync", new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static MediaTypeHeaderValue? ContentType(HttpResponseMessage response) => response.Content.Headers.ContentType;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
