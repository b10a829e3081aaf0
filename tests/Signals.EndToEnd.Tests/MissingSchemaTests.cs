using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using Signals.AspNetCore.Authorization;
using Signals.EntityFrameworkCore;
using Signals.EntityFrameworkCore.PostgreSql;
using Signals.Protocol;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// A new app whose database has no Signals schema yet, over real HTTP: sync (both forms), events and values answer 503 problem+json with
/// <c>Retry-After</c> (not an empty "nothing changed"), the health endpoint is Unhealthy, and once the schema is created — the
/// PostgreSQL script, or <c>EnsureCreated()</c> on SQLite — both recover by themselves. The 503 comes after authorization and the key
/// checks: a refused caller hears nothing of the outage.
/// </summary>
public sealed class MissingSchemaTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task On_PostgreSQL_the_endpoints_answer_503_until_the_schema_script_runs_then_recover()
    {
        string db = await server.CreateDatabaseAsync("noschema", Cancel);
        await using WebApplication app = await StartAsync(builder =>
        {
            builder.Services.AddDbContext<ChatDbContext, PostgreSqlChatDbContext>(o => o.UseNpgsql(db));
            builder.Services.AddSignals().AddHttpEndpoints().AddEntityFrameworkCoreOutbox<PostgreSqlChatDbContext>(QuickRetries).UsePostgreSql();
        });

        await AssertUnavailableThenRecoveredAsync(app, async () =>
        {
            await using var connection = new NpgsqlConnection(db);
            await connection.OpenAsync(Cancel);
            await using var command = new NpgsqlCommand(SignalsSchema.PostgreSqlScript, connection);
            await command.ExecuteNonQueryAsync(Cancel);
        });
    }

    [Fact]
    public async Task On_SQLite_the_endpoints_answer_503_until_EnsureCreated_runs_then_recover()
    {
        using var directory = new TempDirectory();
        string file = directory.File("new-app.db");
        await using WebApplication app = await StartAsync(builder =>
        {
            builder.Services.AddDbContext<ChatDbContext, SqliteChatDbContext>(o => o.UseSqlite($"Data Source={file}"));
            builder.Services.AddSignals().AddHttpEndpoints().AddEntityFrameworkCoreOutbox<SqliteChatDbContext>(QuickRetries).UseSqlite();
        });

        await AssertUnavailableThenRecoveredAsync(app, async () =>
        {
            await using AsyncServiceScope scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ChatDbContext>().Database.EnsureCreatedAsync(Cancel);
        });
    }

    [Fact]
    public async Task While_the_schema_is_missing_a_refused_caller_gets_403_and_an_undeclared_key_400_not_503()
    {
        using var directory = new TempDirectory();
        string file = directory.File("refused.db");
        await using WebApplication app = await StartAsync(builder =>
        {
            builder.Services.AddDbContext<ChatDbContext, SqliteChatDbContext>(o => o.UseSqlite($"Data Source={file}"));
            builder.Services.AddSignals().AddHttpEndpoints().AddSignalAuthorizer<HeaderAuthorizer>()
                .AddEntityFrameworkCoreOutbox<SqliteChatDbContext>(QuickRetries).UseSqlite();
        });
        using HttpClient http = LoopbackSignalsApp.Client(app);
        await WaitForHealthAsync(http, HttpStatusCode.ServiceUnavailable, "Unhealthy");

        using (HttpResponseMessage sync = await SyncAsync(http))
        {
            await AssertProblemAsync(sync, HttpStatusCode.Forbidden, SignalsProblemTypes.Forbidden);
        }

        using (HttpResponseMessage events = await http.GetAsync("/signals/events?key=chat:rooms", HttpCompletionOption.ResponseHeadersRead, Cancel))
        {
            await AssertProblemAsync(events, HttpStatusCode.Forbidden, SignalsProblemTypes.Forbidden);
        }

        using (HttpResponseMessage value = await http.GetAsync("/signals/values/counter:clicks", Cancel))
        {
            await AssertProblemAsync(value, HttpStatusCode.Forbidden, SignalsProblemTypes.Forbidden);
        }

        // Allowed, the caller hears first what is wrong with its request, then of the outage.
        http.DefaultRequestHeaders.Add(HeaderAuthorizer.Header, "yes");
        using (HttpResponseMessage undeclared = await http.PostAsJsonAsync("/signals/sync", new { known = new Dictionary<string, long> { ["nope:key"] = 0 } }, Cancel))
        {
            await AssertProblemAsync(undeclared, HttpStatusCode.BadRequest, SignalsProblemTypes.UnknownSignal);
        }

        using (HttpResponseMessage sync = await SyncAsync(http))
        {
            await AssertUnavailableAsync(sync);
        }

        using (HttpResponseMessage value = await http.GetAsync("/signals/values/counter:clicks", Cancel))
        {
            await AssertUnavailableAsync(value);
        }
    }

    private static void QuickRetries(SignalsOutboxOptions options) => options.MaxRetryDelay = TimeSpan.FromMilliseconds(500);

    private static async Task AssertUnavailableThenRecoveredAsync(WebApplication app, Func<Task> createSchema)
    {
        using HttpClient http = LoopbackSignalsApp.Client(app);
        await WaitForHealthAsync(http, HttpStatusCode.ServiceUnavailable, "Unhealthy");

        using (HttpResponseMessage sync = await SyncAsync(http))
        {
            await AssertUnavailableAsync(sync);
        }

        using (HttpResponseMessage changes = await ChangesAsync(http))
        {
            await AssertUnavailableAsync(changes);
        }

        using (HttpResponseMessage events = await http.GetAsync("/signals/events?key=chat:rooms", HttpCompletionOption.ResponseHeadersRead, Cancel))
        {
            await AssertUnavailableAsync(events);
        }

        using (HttpResponseMessage value = await http.GetAsync("/signals/values/counter:clicks", Cancel))
        {
            await AssertUnavailableAsync(value);
        }

        // Nothing that does not need the database is refused.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/signals/catalog", Cancel)).StatusCode);

        await createSchema();
        await WaitForHealthAsync(http, HttpStatusCode.OK, "Healthy");
        using (HttpResponseMessage sync = await SyncAsync(http))
        {
            Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
            Assert.NotNull((await sync.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["changed"]);
        }

        using (HttpResponseMessage changes = await ChangesAsync(http))
        {
            Assert.Equal(HttpStatusCode.OK, changes.StatusCode);
            Assert.NotNull((await changes.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["cursor"]);
        }

        using (HttpResponseMessage value = await http.GetAsync("/signals/values/counter:clicks", Cancel))
        {
            Assert.Equal(HttpStatusCode.NotFound, value.StatusCode);
        }

        // Events recover too: a stream opened now is served and hears the next committed change.
        SignalKey rooms = SignalKey.Parse("chat:rooms");
        using CancellationTokenSource deadline = TestDeadline.Start(10);
        await using SseClient stream = await SignalEvents.OpenAsync(http, [rooms], deadline.Token);
        await using (AsyncServiceScope scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ChatDbContext>().InvalidateSignalsAsync([rooms], Cancel);
        }

        Assert.Equal(rooms.Value, (await stream.NextSignalAsync()).Key);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, SignalsProblemTypes.SourceUnavailable);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (status != HttpStatusCode.ServiceUnavailable)
        {
            Assert.Null(response.Headers.RetryAfter);
        }

        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
        Assert.Equal(type, (string)problem["type"]!);
        Assert.Equal((int)status, (int)problem["status"]!);
    }

    private static Task<HttpResponseMessage> SyncAsync(HttpClient http)
        => http.PostAsJsonAsync("/signals/sync", new { known = new Dictionary<string, long> { ["chat:rooms"] = 0 } }, Cancel);

    private static Task<HttpResponseMessage> ChangesAsync(HttpClient http)
        => http.PostAsJsonAsync("/signals/changes", new { keys = new[] { "chat:rooms" } }, Cancel);

    private static async Task WaitForHealthAsync(HttpClient http, HttpStatusCode status, string body)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        while (true)
        {
            using HttpResponseMessage response = await http.GetAsync("/health", deadline.Token);
            if (response.StatusCode == status && await response.Content.ReadAsStringAsync(deadline.Token) == body)
            {
                return;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>A new app as a user writes it, who has not created the schema: the context, Signals, the endpoints and the health check.</summary>
    private static Task<WebApplication> StartAsync(Action<WebApplicationBuilder> database)
        => LoopbackSignalsApp.StartAsync(database, Cancel);

    /// <summary>Allows a key only to a request that carries <see cref="Header"/>: the app's own per-key authorization.</summary>
    private sealed class HeaderAuthorizer : ISignalAuthorizer
    {
        public const string Header = "X-Allowed";

        public ValueTask<bool> IsAllowedAsync(SignalAuthorizationContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(context.HttpContext.Request.Headers.ContainsKey(Header));
    }
}
