using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Model;
using Signals.Protocol;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>
/// The fan-out server, run by the harness as a child process (<c>serve-fan-out --variant …</c>) so that its memory can be measured
/// alone and its connections count against its own open-files limit. It stops when the harness closes its standard input.
/// </summary>
/// <remarks>
/// Endpoints: the variant's stream (<c>/signals/events</c>, <c>/sse</c> or the SignalR hub <c>/hub</c>); <c>POST /bench/trigger</c>
/// makes one change and answers the <see cref="Stopwatch.GetTimestamp"/> taken just before (a monotonic clock shared by the processes
/// of a machine), after a space the one taken when the call that made it returned, and after another the number of methods the server
/// has JIT-compiled so far (<see cref="System.Runtime.JitInfo.GetCompiledMethodCount"/>); <c>POST /bench/gc</c> runs a full, compacting, aggressive collection so that RSS reflects live memory;
/// <c>GET /bench/cursor</c> answers the hub's cursor (Signals), the resume point for new subscribers.
/// </remarks>
internal static class FanOutServer
{
    /// <summary>The internal command that starts the server.</summary>
    public const string Command = "serve-fan-out";

    /// <summary>The line the server prints when it listens, followed by its address.</summary>
    public const string ReadyPrefix = "FAN-OUT-SERVER-LISTENING ";

    /// <summary>The row (and key <c>bench:item:1</c>) every change touches.</summary>
    public const long ItemId = 1;

    private static long _version;

    /// <summary>Runs the server until standard input closes.</summary>
    /// <param name="options">The command line: <c>--variant signals|sse|signalr</c> and, for Signals, <c>--connection-string</c>.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(HarnessOptions options)
    {
        if (!Enum.TryParse(options.Raw.GetValueOrDefault("variant"), ignoreCase: true, out FanOutVariant variant))
        {
            await Console.Error.WriteLineAsync("serve-fan-out needs --variant signals|sse|signalr.");
            return 2;
        }

        WebApplicationBuilder builder = BenchApp.CreateBuilder();
        switch (variant)
        {
            case FanOutVariant.Signals:
                string connectionString = options.Raw.GetValueOrDefault("connection-string")
                    ?? throw new ArgumentException("serve-fan-out --variant signals needs --connection-string.");
                builder.AddSignalsOnPostgres(connectionString, "fan-out");
                break;
            case FanOutVariant.Sse:
                builder.Services.AddSingleton<SseBroadcaster>();
                break;
            case FanOutVariant.SignalR:
                builder.Services.AddSignalR();
                break;
        }

        WebApplication app = builder.Build();
        switch (variant)
        {
            case FanOutVariant.Signals:
                app.MapSignals();
                app.MapPost("/bench/trigger", CommitAsync);
                app.MapGet("/bench/cursor", static (SignalHub hub) => hub.Cursor.ToString(CultureInfo.InvariantCulture));
                break;
            case FanOutVariant.Sse:
                app.MapGet("/sse", static (HttpContext context, SseBroadcaster broadcaster) => broadcaster.Subscribe(context));
                app.MapPost("/bench/trigger", static (SseBroadcaster broadcaster) =>
                {
                    long start = Stopwatch.GetTimestamp();
                    broadcaster.Broadcast(JsonSerializer.Serialize(NextEvent()));
                    return Timestamps(start);
                });
                break;
            case FanOutVariant.SignalR:
                app.MapHub<BroadcastHub>("/hub");
                app.MapPost("/bench/trigger", static async (IHubContext<BroadcastHub> hub) =>
                {
                    long start = Stopwatch.GetTimestamp();
                    await hub.Clients.All.SendAsync("signal", NextEvent());
                    return Timestamps(start);
                });
                break;
        }

        app.MapPost("/bench/gc", BenchApp.CollectGarbage);

        Uri address = await BenchApp.StartAsync(app, CancellationToken.None);
        Console.WriteLine(ReadyPrefix + address);
        await Console.In.ReadToEndAsync();
        await BenchApp.StopAsync(app);
        return 0;
    }

    /// <summary>One change of <c>bench:item:1</c> through EF Core; the clock is read before <c>SaveChanges</c>, so the time includes the commit.</summary>
    private static async Task<string> CommitAsync(IDbContextFactory<BenchDbContext> contexts, CancellationToken cancellationToken)
    {
        await using BenchDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        db.StageUpdate(ItemId, Interlocked.Increment(ref _version));
        long start = Stopwatch.GetTimestamp();
        await db.SaveChangesAsync(cancellationToken);
        return Timestamps(start);
    }

    private static string Timestamps(long start)
        => string.Create(CultureInfo.InvariantCulture, $"{start} {Stopwatch.GetTimestamp()} {System.Runtime.JitInfo.GetCompiledMethodCount()}");

    /// <summary>The baselines' payload: the same event Signals sends.</summary>
    private static SignalEvent NextEvent()
        => new(SignalKey.Create("bench:item", "1"), Interlocked.Increment(ref _version), null, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
}
