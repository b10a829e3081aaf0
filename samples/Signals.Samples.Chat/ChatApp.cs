using Signals.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Signals.Samples.Chat.Chat;
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
    /// <summary>The SQLite database the app uses unless configured otherwise: <c>signals-chat.db</c> in the content root.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=signals-chat.db";

    /// <summary>Builds the app from command-line arguments and the usual configuration sources.</summary>
    /// <param name="args">
    /// Command-line arguments, e.g. <c>--urls http://127.0.0.1:5000</c>. Configuration: <c>ConnectionStrings:Signals</c> selects
    /// PostgreSQL; without it the app keeps its data in a SQLite file, <c>ConnectionStrings:SignalsSqlite</c>
    /// (<see cref="DefaultSqliteConnectionString"/> by default; a relative path is relative to the content root). Several instances
    /// may share one database: one PostgreSQL database on any hosts, or one SQLite file on one host.
    /// </param>
    /// <returns>The app, not started.</returns>
    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        string? postgres = builder.Configuration.GetConnectionString("Signals");

        // First: hosted services start in order, so the schema exists when the Signals dispatcher starts.
        builder.Services.AddHostedService<ChatDatabaseInitializer>();
        ISignalsBuilder signals = builder.Services.AddSignals().AddHttpEndpoints();

        // Signals for the context: the endpoints, the outbox and its dispatcher, polling on SQLite; on PostgreSQL, rows in the save's
        // command and LISTEN/NOTIFY. The app and its API use ChatDbContext; each provider has its own subclass, for its own migrations.
        if (string.IsNullOrEmpty(postgres))
        {
            string sqlite = SqliteConnectionString(builder.Configuration.GetConnectionString("SignalsSqlite"), builder.Environment.ContentRootPath);
            builder.Services.AddDbContext<ChatDbContext, SqliteChatDbContext>(options => options.UseSqlite(sqlite));
            signals.AddEntityFrameworkCoreOutbox<SqliteChatDbContext>().UseSqlite();
        }
        else
        {
            builder.Services.AddDbContext<ChatDbContext, PostgreSqlChatDbContext>(options => options.UseNpgsql(postgres));
            signals.AddEntityFrameworkCoreOutbox<PostgreSqlChatDbContext>().UsePostgreSql();
        }

        builder.Services.AddHealthChecks().AddSignalsDispatcher();
        signals.AddClockSample();

        WebApplication app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapSignals("/signals").AllowAnonymous(); // a public demo: anyone may read every key
        app.MapHealthChecks("/health");
        // The three samples, each in its own folder with its own registration: lift one out with its folder and these lines.
        app.MapChatSample();
        app.MapCounterSample();
        app.MapClockSample();
        return app;
    }

    /// <summary>Reads the SQLite connection string, with a relative file path made relative to the content root.</summary>
    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var connection = new SqliteConnectionStringBuilder(string.IsNullOrEmpty(configured) ? DefaultSqliteConnectionString : configured);
        if (connection.Mode != SqliteOpenMode.Memory && connection.DataSource is not ("" or ":memory:"))
        {
            connection.DataSource = Path.GetFullPath(connection.DataSource, contentRoot);
        }

        return connection.ToString();
    }
}
