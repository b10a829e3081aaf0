using Signals.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Signals.Samples.Chat.Api;
using Signals.Samples.Chat.Clock;
using Signals.Samples.Chat.Counter;
using Signals.Samples.Chat.Model;

namespace Signals.Samples.Chat;

/// <summary>
/// Builds the samples app — the chat (<c>/</c>), the counter (<c>/counter.html</c>) and the server clock (<c>/clock.html</c>);
/// <c>Program</c> runs it, and the end-to-end and browser tests start instances of it.
/// </summary>
public static class ChatApp
{
    /// <summary>Builds the app from command-line arguments and the usual configuration sources.</summary>
    /// <param name="args">
    /// Command-line arguments, e.g. <c>--urls http://127.0.0.1:5000</c>. Configuration: <c>ConnectionStrings:Signals</c> selects
    /// PostgreSQL; without it the app keeps its data in EF Core's in-memory database (a single instance, nothing to set up).
    /// </param>
    /// <returns>The app, not started.</returns>
    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        string? connectionString = builder.Configuration.GetConnectionString("Signals");

        if (string.IsNullOrEmpty(connectionString))
        {
            // The in-memory database belongs to this app, as it would to a process: several apps in one process (tests) share nothing.
            builder.Services.AddSingleton<InMemoryDatabaseRoot>();
        }

        builder.Services.AddDbContext<ChatDbContext>((services, options) =>
        {
            if (string.IsNullOrEmpty(connectionString))
            {
                options.UseInMemoryDatabase("chat", services.GetRequiredService<InMemoryDatabaseRoot>());
            }
            else
            {
                options.UseNpgsql(connectionString);
            }
        });
        builder.Services.AddHostedService<ChatDatabaseInitializer>();

        // Signals for the context: the outbox and its dispatcher; on PostgreSQL, rows in the save's command and LISTEN/NOTIFY.
        ISignalsOutboxBuilder outbox = builder.Services.AddSignals().AddEntityFrameworkCoreOutbox<ChatDbContext>();
        if (!string.IsNullOrEmpty(connectionString))
        {
            outbox.UsePostgreSql();
        }

        builder.Services.AddHealthChecks().AddSignalsDispatcher();
        builder.Services.AddSingleton<ClockProducer>();
        builder.Services.AddHostedService(static services => services.GetRequiredService<ClockProducer>());

        WebApplication app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapSignals("/signals");
        app.MapHealthChecks("/health");
        app.MapChatApi();
        app.MapCounterApi();
        app.MapClockApi();
        return app;
    }
}
