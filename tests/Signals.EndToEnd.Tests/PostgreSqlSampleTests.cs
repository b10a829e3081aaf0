using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// The sample on PostgreSQL as README and docs/samples.md start it: <c>ConnectionStrings__Signals</c> in the environment of a process
/// of its own, nothing about the database on its command line. Its data then lives in PostgreSQL, and the SQLite default is not used.
/// </summary>
public sealed class PostgreSqlSampleTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectionStrings__Signals_in_the_environment_puts_the_sample_on_PostgreSQL_and_makes_no_SQLite_file()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromMinutes(3)); // a process of its own starts slowly on a busy machine
        string db = await server.CreateDatabaseAsync("chat_env", deadline.Token);
        using var directory = new TempDirectory();
        using ChatProcess app = ChatProcess.Start("env", ChatStorage.PostgreSqlFromEnvironment(db, directory.Path));
        await WaitUntilHealthyAsync(app.Http, deadline.Token);

        using (HttpResponseMessage posted = await app.Http.PostAsJsonAsync("/api/rooms/general/messages", new { author = "ada", text = "kept in PostgreSQL" }, deadline.Token))
        {
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        }

        // The message and its outbox row are PostgreSQL's, and sync reports the key at the version PostgreSQL's outbox gave it.
        SignalKey room = ChatMessage.Keys.Room("general");
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(deadline.Token);
        Assert.Equal(1L, await ScalarAsync<long>(connection, """SELECT count(*) FROM messages WHERE "RoomId" = 'general' AND "Text" = 'kept in PostgreSQL'""", deadline.Token));
        long version = await ScalarAsync<long>(connection, $"SELECT max(id) FROM signals_outbox WHERE key = '{room.Value}'", deadline.Token);
        using (HttpResponseMessage sync = await app.Http.PostAsJsonAsync("/signals/sync", new { known = new Dictionary<string, long> { [room.Value] = 0 } }, deadline.Token))
        {
            Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
            JsonObject answer = (await sync.Content.ReadFromJsonAsync<JsonObject>(deadline.Token))!;
            Assert.Equal(version, (long)answer["changed"]![room.Value]!["version"]!);
        }

        Assert.Contains("kept in PostgreSQL", await app.Http.GetStringAsync("/api/rooms/general/messages", deadline.Token), StringComparison.Ordinal);
        Assert.False(File.Exists(directory.File("signals-chat.db")), "the SQLite default was used beside PostgreSQL");
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Reads <c>/health</c> every 100 ms until the instance answers Healthy (one not listening yet is retried).</summary>
    private static async Task WaitUntilHealthyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync("/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync(cancellationToken) == "Healthy")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
