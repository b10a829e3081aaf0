using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.Client.Tests.Infrastructure;
using Signals.Samples.Chat;
using Signals.Samples.ConsoleClient;

namespace Signals.Client.Tests;

/// <summary>The console sample against the chat sample (a fresh SQLite file, on real Kestrel), as a user runs them side by side.</summary>
public sealed class ConsoleSampleTests
{
    [Fact]
    public async Task Console_client_prints_the_messages_of_every_room_once_as_they_arrive()
    {
        using CancellationTokenSource deadline = Await.Deadline(30);
        // A database of its own: the sample's default file would keep the messages of an earlier run.
        string database = Path.Combine(Path.GetTempPath(), $"signals-console-{Guid.NewGuid():N}.db");
        using var cleanup = new DeleteOnDispose(database);
        await using WebApplication chat = ChatApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--ConnectionStrings:SignalsSqlite", $"Data Source={database}"]);
        await chat.StartAsync(deadline.Token);
        var address = new Uri(chat.Urls.Single() + "/");
        using var api = new HttpClient { BaseAddress = address };
        await PostAsync(api, "general", "ada", "first", deadline.Token);

        var services = new ServiceCollection().AddLogging();
        services.AddSignalsClient(address);
        services.AddHttpClient<ChatConsole>(http => http.BaseAddress = address);
        await using ServiceProvider provider = services.BuildServiceProvider();
        var output = new LineWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        Task running = provider.GetRequiredService<ChatConsole>().RunAsync(output, stop.Token);

        // The existing message first, then new ones in either room as they are posted.
        await output.WaitForLineAsync("[general]", "ada: first", deadline.Token);
        await PostAsync(api, "random", "bob", "over here", deadline.Token);
        await output.WaitForLineAsync("[random]", "bob: over here", deadline.Token);
        await PostAsync(api, "general", "ada", "second", deadline.Token);
        await output.WaitForLineAsync("[general]", "ada: second", deadline.Token);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(3, output.Lines.Count);
        Assert.Equal(["first", "over here", "second"], output.Lines.Select(l => l[(l.LastIndexOf(": ", StringComparison.Ordinal) + 2)..]));
    }

    private static async Task PostAsync(HttpClient api, string room, string author, string text, CancellationToken cancellationToken)
    {
        using HttpResponseMessage posted = await api.PostAsJsonAsync($"api/rooms/{room}/messages", new { author, text }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }

    /// <summary>Deletes the test's SQLite file and its journal files.</summary>
    private sealed class DeleteOnDispose(string database) : IDisposable
    {
        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string file in (string[])[database, database + "-wal", database + "-shm"])
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>A writer that keeps every line and lets a test wait for one.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly Lock _lock = new();
        private readonly List<string> _lines = [];
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lock)
                {
                    return [.. _lines];
                }
            }
        }

        public override void WriteLine(string? value)
        {
            TaskCompletionSource written;
            lock (_lock)
            {
                _lines.Add(value ?? "");
                written = _written;
                _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            written.SetResult();
        }

        public override void Write(char value) => throw new NotSupportedException("The sample writes whole lines.");

        public async Task WaitForLineAsync(string start, string end, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task written;
                lock (_lock)
                {
                    if (_lines.Any(l => l.StartsWith(start, StringComparison.Ordinal) && l.EndsWith(end, StringComparison.Ordinal)))
                    {
                        return;
                    }

                    written = _written.Task;
                }

                await written.WaitAsync(cancellationToken);
            }
        }
    }
}
