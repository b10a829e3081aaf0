using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// The polling dispatchers: PostgreSQL without LISTEN (<see cref="SignalsPostgreSqlOptions.UsePollingDispatcher"/>, the same gap-safe
/// reads) and the provider-neutral one on EF Core InMemory (what the sample uses); its source on a relational database is covered
/// by <see cref="PollingSourceTests"/>.
/// </summary>
public sealed class PollingDispatcherTests(PostgresServer server)
{
    private static readonly Action<SignalsOutboxOptions> Polling = o => o.PollInterval = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Polling_dispatcher_on_postgres_delivers_to_every_instance()
    {
        string db = await TestDatabase.CreateAsync(server, "polling");
        await using SignalsTestApp first = await SignalsTestApp.StartPostgresAsync(db, Polling, SignalsTestApp.PostgresPolling);
        await using SignalsTestApp second = await SignalsTestApp.StartPostgresAsync(db, Polling, SignalsTestApp.PostgresPolling);

        Ticket ticket = await first.WithContextAsync(async context =>
        {
            var created = new Ticket { Title = "polled" };
            context.Tickets.Add(created);
            context.Messages.Add(new ChatMessage { RoomId = "general", Text = "hi" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            return created;
        });

        foreach (SignalsTestApp app in new[] { first, second })
        {
            await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"));
            await HubAssert.WaitForVersionAsync(app.Hub, Ticket.ById(ticket.Id));
        }
    }

    [Fact]
    public async Task Polling_dispatcher_is_woken_by_local_saves()
    {
        string db = await TestDatabase.CreateAsync(server, "pollingwake");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, o => o.PollInterval = TimeSpan.FromMinutes(5), SignalsTestApp.PostgresPolling);

        // The first read after start-up may race the save; a second save proves the wake-up.
        for (int i = 0; i < 2; i++)
        {
            await app.SaveMessageAsync("general", "wake");
        }

        long latest = (await TestDatabase.ReadOutboxAsync(db)).Where(r => r.Key == ChatMessage.AnyMessage.Value).Max(r => r.Id);
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.AnyMessage, latest);
    }

    [Fact]
    public async Task Polling_dispatcher_on_in_memory_delivers_and_loads_current_versions()
    {
        var root = new InMemoryDatabaseRoot();
        string name = Guid.NewGuid().ToString("N");
        long version;
        await using (SignalsTestApp app = await SignalsTestApp.StartInMemoryAsync(name, root, Polling))
        {
            await app.WithContextAsync(context =>
            {
                context.Messages.Add(new ChatMessage { RoomId = "general", Text = "in memory" });
                context.Tickets.Add(new Ticket { Title = "in memory" });
                return context.SaveChangesAsync(TestContext.Current.CancellationToken);
            });
            version = (await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"))).Version;
            await HubAssert.WaitForVersionAsync(app.Hub, Ticket.AnyTicket);
        }

        await using SignalsTestApp restarted = await SignalsTestApp.StartInMemoryAsync(name, root, Polling);
        Assert.Equal(version, (await HubAssert.WaitForVersionAsync(restarted.Hub, ChatMessage.Room("general"), version)).Version);
    }
}
