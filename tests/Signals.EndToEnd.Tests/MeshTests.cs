using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Signals.EntityFrameworkCore;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// The mesh with two real instances of the chat sample on one database, one in this process and one in a process of its own: both list
/// each other (sync's <c>mesh.peers</c> and <c>GET /signals/mesh</c>), a killed one leaves the list within three heartbeats, and its
/// row is removed after <c>RemoveAfter</c>.
/// </summary>
public abstract class MeshTests
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(2);

    private static readonly string[] Settings =
        ["--Signals:Mesh:HeartbeatInterval", "00:00:02", "--Signals:Mesh:RemoveAfter", "00:00:06"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Both_instances_list_each_other_and_a_killed_one_leaves_within_three_heartbeats()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromMinutes(4)); // a second process starts slowly on a busy machine
        ChatStorage storage = await CreateStorageAsync(deadline.Token);
        await using ChatInstance a = await ChatInstance.StartAsync("mesh-a", storage, deadline.Token, Settings);
        using ChatProcess k = ChatProcess.Start("mesh-k", storage, Settings);

        // Both list the other, healthy once their dispatchers have loaded.
        JsonElement seenByA = await WaitForMeshAsync(a.Http, m => Health(m, "mesh-k") == SignalPeerHealth.Healthy, deadline.Token);
        JsonElement seenByK = await WaitForMeshAsync(k.Http, m => Health(m, "mesh-a") == SignalPeerHealth.Healthy, deadline.Token);
        Assert.Equal("mesh-a", seenByA.GetProperty("self").GetProperty("instanceId").GetString());
        Assert.Equal(["mesh-k"], seenByA.GetProperty("peers").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["mesh-a"], seenByK.GetProperty("peers").EnumerateObject().Select(p => p.Name));
        JsonElement peer = seenByA.GetProperty("peers").GetProperty("mesh-k");
        Assert.Equal(Environment.MachineName, peer.GetProperty("host").GetString());
        Assert.InRange(seenByA.GetProperty("serverTime").GetInt64() - peer.GetProperty("lastSeen").GetInt64(), -1_000, 3 * (long)Heartbeat.TotalMilliseconds);

        // Sync answers carry the same peers in Reality's shape, and their last heartbeat.
        JsonElement mesh = await SyncMeshAsync(a.Http, deadline.Token);
        Assert.Equal("""{"mesh-k":"healthy"}""", mesh.GetProperty("peers").GetRawText());
        Assert.True(mesh.GetProperty("lastSeen").GetProperty("mesh-k").GetInt64() > 0);

        // Killed: no shutdown code runs, so only the heartbeats' age takes it off A's list.
        k.Kill();
        var sinceKill = Stopwatch.StartNew();
        await WaitForMeshAsync(a.Http, m => !m.GetProperty("peers").TryGetProperty("mesh-k", out _), deadline.Token);
        TimeSpan left = sinceKill.Elapsed;
        Assert.True(left <= 3 * Heartbeat, $"The killed instance left the list {left.TotalMilliseconds:0} ms after it died; the bound is three heartbeats ({3 * Heartbeat.TotalMilliseconds} ms).");
        Assert.Equal("{}", (await SyncMeshAsync(a.Http, deadline.Token)).GetProperty("peers").GetRawText());

        // Its row goes after RemoveAfter (6 s); A's stays.
        string[] ids;
        do
        {
            await Task.Delay(200, deadline.Token);
            await using AsyncServiceScope scope = a.Services.CreateAsyncScope();
            ids = await scope.ServiceProvider.GetRequiredService<ChatDbContext>().Set<SignalInstanceEntry>().Select(e => e.Id).ToArrayAsync(deadline.Token);
        }
        while (ids.Contains("mesh-k"));

        Assert.Equal(["mesh-a"], ids);
    }

    /// <summary>Creates the database both instances share.</summary>
    private protected abstract Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken);

    private static string? Health(JsonElement mesh, string instanceId)
        => mesh.GetProperty("peers").TryGetProperty(instanceId, out JsonElement peer) ? peer.GetProperty("health").GetString() : null;

    /// <summary>Reads <c>GET /signals/mesh</c> every 50 ms until <paramref name="until"/> holds (an instance not answering yet is retried).</summary>
    private static async Task<JsonElement> WaitForMeshAsync(HttpClient http, Func<JsonElement, bool> until, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync("/signals/mesh", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    JsonElement mesh = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
                    if (until(mesh))
                    {
                        return mesh;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<JsonElement> SyncMeshAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var body = new StringContent("""{"known":{}}""", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync("/signals/sync", body, cancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("mesh").Clone();
    }
}

/// <summary>The mesh on one fresh PostgreSQL database.</summary>
/// <param name="postgres">The assembly's PostgreSQL server.</param>
public sealed class MeshOnPostgreSqlTests(PostgresServer postgres) : MeshTests
{
    private protected override async Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken)
        => ChatStorage.PostgreSql(await postgres.CreateDatabaseAsync("chat_mesh", cancellationToken));
}

/// <summary>The mesh on one SQLite file.</summary>
public sealed class MeshOnSqliteTests : MeshTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private protected override Task<ChatStorage> CreateStorageAsync(CancellationToken cancellationToken)
        => Task.FromResult(ChatStorage.SqliteFile(_directory.File("chat.db")));
}
