using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Signals.Samples.ConsoleClient;

// The chat app's address: `--BaseAddress http://host:port` or the BaseAddress environment variable; the chat sample's default otherwise.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
var baseAddress = new Uri(builder.Configuration["BaseAddress"] ?? "http://127.0.0.1:5080");
builder.Services.AddSignalsClient(baseAddress);
builder.Services.AddHttpClient<ChatConsole>(http => http.BaseAddress = baseAddress);
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

using IHost host = builder.Build();
await host.StartAsync();
Console.WriteLine($"Watching the chat at {baseAddress} (Ctrl+C to stop).");
try
{
    await host.Services.GetRequiredService<ChatConsole>().RunAsync(Console.Out, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
}
catch (OperationCanceledException)
{
    // Ctrl+C.
}

await host.StopAsync();
