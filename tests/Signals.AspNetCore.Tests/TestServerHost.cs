using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Signals.AspNetCore;

namespace Signals.AspNetCore.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 with an OS-assigned port, Signals added and mapped, and an <see cref="HttpClient"/> for it.</summary>
public sealed partial class TestServerHost : IAsyncDisposable
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

    /// <summary>Starts a server.</summary>
    /// <param name="endpoints">Configures the endpoint options.</param>
    /// <param name="signals">Configures the Signals options.</param>
    /// <param name="map">Maps the endpoints (and middleware); the default is <c>app.MapSignals()</c>.</param>
    /// <param name="services">Adds services before <c>AddSignals()</c> runs (e.g. a <see cref="SignalCatalog"/>, authentication).</param>
    public static async Task<TestServerHost> StartAsync(
        Action<SignalsEndpointOptions>? endpoints = null,
        Action<SignalsOptions>? signals = null,
        Action<WebApplication>? map = null,
        Action<IServiceCollection>? services = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
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

    /// <summary>Sends a request with <see cref="TestAuthentication"/> headers (user, roles, tenant) and an optional JSON body.</summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string pathAndQuery, string? json = null, string? user = null, string? roles = null, string? tenant = null)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        TestAuthentication.Apply(request, user, roles, tenant);
        return Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    /// <summary>Reads a problem+json answer, checks its status, its type and that it has a title, and returns its detail.</summary>
    public static async Task<string> ReadProblemAsync(HttpResponseMessage response, int status, string type)
    {
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(text);
        Assert.Equal(type, problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
        return problem.RootElement.GetProperty("detail").GetString() ?? "";
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static MediaTypeHeaderValue? ContentType(HttpResponseMessage response) => response.Content.Headers.ContentType;

    /// <summary>
    /// Downloads browser modules from <c>/signals/</c> into a new temporary folder, with every module they import (following
    /// <c>from './x.js'</c>, as a browser resolves them: beside the importing module); the caller deletes the folder.
    /// </summary>
    public async Task<string> DownloadModulesAsync(params string[] entries)
    {
        string folder = Directory.CreateTempSubdirectory("signals-modules-").FullName;
        var pending = new Queue<string>(entries);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out string? module))
        {
            if (!seen.Add(module))
            {
                continue;
            }

            string text = await Client.GetStringAsync("/signals/" + module, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, module), text, TestContext.Current.CancellationToken);
            foreach (Match import in ImportOf().Matches(text))
            {
                pending.Enqueue(import.Groups["module"].Value);
            }
        }

        return folder;
    }

    /// <summary>
    /// Runs a Node.js driver script beside the browser modules as served (see <see cref="DownloadModulesAsync"/>), as an ES module with
    /// this server's <c>/signals/</c> address as its argument, and parses the JSON it prints. Asserts that the driver exits with 0 (the
    /// failure message is its output); the folder is deleted afterwards.
    /// </summary>
    public async Task<JsonDocument> RunNodeDriverAsync(string driver, params string[] modules)
    {
        string folder = await DownloadModulesAsync(modules);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), """{ "type": "module" }""", TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "driver.js"), driver, TestContext.Current.CancellationToken);

            (int exitCode, string output) = await TypeScriptTool.RunAsync("node", ["driver.js", new Uri(BaseAddress, "/signals/").ToString()], folder, TimeSpan.FromMinutes(1));

            Assert.True(exitCode == 0, output);
            return JsonDocument.Parse(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"from\s+'\./(?<module>[\w-]+\.js)'")]
    private static partial Regex ImportOf();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
