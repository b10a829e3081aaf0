using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Signals.Protocol;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// A namespace on a tenant's database of its own, over real Kestrel on two instances and two real PostgreSQL databases: the tenant's
/// changes reach the other instance's streams through the tenant database's dispatcher, never touch the app's outbox, and their
/// versions never go backwards for a client, on a lagging instance or after a restart.
/// </summary>
/// <param name="postgres">The assembly's PostgreSQL server.</param>
public sealed class TenantNamespaceTests(PostgresServer postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tenant_change_saved_on_A_reaches_a_stream_on_B_and_only_the_tenant_outbox()
    {
        (string main, string tenant) = await CreateDatabasesAsync("tenant_stream");
        await using TenantInstance a = await TenantInstance.StartAsync("app-a", main, tenant, tenantHearsOthers: true, Cancel);
        await using TenantInstance b = await TenantInstance.StartAsync("app-b", main, tenant, tenantHearsOthers: true, Cancel);
        SignalKey doc = TenantInstance.Doc.Key("d1");
        SignalKey note = TenantInstance.Note.Key("n1");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await using SseClient onB = await OpenAsync(b, [doc, note], deadline.Token);

        await a.SaveDocAsync("d1", "hello", Cancel);

        (Event changed, (long resume, long highest)) = await NextAsync(onB);
        long tenantId = await ScalarAsync<long>(tenant, "SELECT max(id) FROM signals_outbox WHERE key = 'acme:doc:d1'");
        Assert.Equal((doc.Value, tenantId), (changed.Key, changed.Version));
        Assert.Equal((0, 0), (resume, highest)); // the tenant's ids are not on the app's line: the event id does not carry them
        Assert.Equal(0L, await ScalarAsync<long>(main, "SELECT count(*) FROM signals_outbox"));
        Assert.Equal(0L, await ScalarAsync<long>(main, "SELECT count(*) FROM signals_values"));

        // And the other way round: the app's change reaches B from the app's outbox only, with its id in the event id.
        await a.SaveNoteAsync("n1", Cancel);
        (Event noted, (long noteResume, long noteHighest)) = await NextAsync(onB);
        long mainId = await ScalarAsync<long>(main, "SELECT max(id) FROM signals_outbox");
        Assert.Equal((note.Value, mainId), (noted.Key, noted.Version));
        Assert.Equal(mainId, Math.Max(noteResume, noteHighest));
        Assert.Equal(1L, await ScalarAsync<long>(tenant, "SELECT count(*) FROM signals_outbox"));
        Assert.Equal(0L, await ScalarAsync<long>(tenant, "SELECT count(*) FROM signals_outbox WHERE key NOT LIKE 'acme:%'"));
    }

    [Fact]
    public async Task A_lagging_instance_answers_a_sync_and_a_resumed_stream_from_the_tenant_database_never_with_an_older_version()
    {
        (string main, string tenant) = await CreateDatabasesAsync("tenant_lag");
        await using TenantInstance a = await TenantInstance.StartAsync("app-a", main, tenant, tenantHearsOthers: true, Cancel);
        await using TenantInstance b = await TenantInstance.StartAsync("app-b", main, tenant, tenantHearsOthers: false, Cancel);
        SignalKey doc = TenantInstance.Doc.Key("d1");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await a.SaveDocAsync("d1", "v1", Cancel);
        long first = await ScalarAsync<long>(tenant, "SELECT max(id) FROM signals_outbox");

        // B holds the key at its first version (a stream on B keeps it) and never hears of the next one by itself.
        await using SseClient onB = await OpenAsync(b, [doc], deadline.Token);
        (Event held, (long resume, long highest)) = await NextAsync(onB);
        Assert.Equal(first, held.Version);
        await a.SaveDocAsync("d1", "v2", Cancel);
        long second = (long)(await SyncAsync(a, new() { [doc.Value] = first }))["changed"]![doc.Value]!["version"]!;
        Assert.Equal(await ScalarAsync<long>(tenant, "SELECT max(id) FROM signals_outbox"), second);

        // A client that read the second version on A syncs on B: B reads the key again instead of answering its older version.
        JsonObject onLagging = await SyncAsync(b, new() { [doc.Value] = second });
        Assert.Empty(onLagging["changed"]!.AsObject());

        // A client resuming on B starts with the current version, not the one B held.
        await a.SaveDocAsync("d1", "v3", Cancel);
        long third = await ScalarAsync<long>(tenant, "SELECT max(id) FROM signals_outbox");
        await using SseClient resumed = await OpenAsync(b, [doc], deadline.Token, lastEventId: resume.ToString(CultureInfo.InvariantCulture));
        (Event again, _) = await NextAsync(resumed);
        Assert.Equal(third, again.Version);
        Assert.Equal(0L, await ScalarAsync<long>(main, "SELECT count(*) FROM signals_outbox"));
    }

    [Fact]
    public async Task After_a_restart_sync_answers_the_version_from_the_tenant_database()
    {
        (string main, string tenant) = await CreateDatabasesAsync("tenant_restart");
        SignalKey doc = TenantInstance.Doc.Key("d1");
        long known;
        await using (TenantInstance a = await TenantInstance.StartAsync("app-a", main, tenant, tenantHearsOthers: true, Cancel))
        {
            for (int i = 0; i < 3; i++)
            {
                await a.SaveDocAsync("d1", "v" + i, Cancel);
                await a.SaveNoteAsync("n" + i, Cancel);
                await a.SaveNoteAsync("m" + i, Cancel);
            }

            known = (long)(await SyncAsync(a, new() { [doc.Value] = 0 }))["changed"]![doc.Value]!["version"]!;
        }

        Assert.Equal(await ScalarAsync<long>(tenant, "SELECT max(id) FROM signals_outbox"), known);
        Assert.True(await ScalarAsync<long>(main, "SELECT max(id) FROM signals_outbox") > known, "The app's ids should be ahead of the tenant's.");

        await using TenantInstance restarted = await TenantInstance.StartAsync("app-a", main, tenant, tenantHearsOthers: true, Cancel);
        Assert.Equal(known, (long)(await SyncAsync(restarted, new() { [doc.Value] = 0 }))["changed"]![doc.Value]!["version"]!);
        Assert.Empty((await SyncAsync(restarted, new() { [doc.Value] = known }))["changed"]!.AsObject());
    }

    [Fact]
    public async Task A_cursor_form_poll_repeats_the_tenant_key_keeps_its_id_out_of_the_cursor_and_a_long_poll_wakes_on_its_change()
    {
        (string main, string tenant) = await CreateDatabasesAsync("tenant_cursor");
        await using TenantInstance a = await TenantInstance.StartAsync("app-a", main, tenant, tenantHearsOthers: true, Cancel);
        await using TenantInstance b = await TenantInstance.StartAsync("app-b", main, tenant, tenantHearsOthers: true, Cancel);
        SignalKey doc = TenantInstance.Doc.Key("d1");
        SignalKey note = TenantInstance.Note.Key("n1");
        for (int i = 0; i < 3; i++)
        {
            await a.SaveNoteAsync("other" + i, Cancel);
        }

        await a.SaveNoteAsync("n1", Cancel);
        await a.SaveDocAsync("d1", "v1", Cancel);
        long noteVersion = await ScalarAsync<long>(main, "SELECT max(id) FROM signals_outbox WHERE key = 'main:note:n1'");
        long docVersion = await ScalarAsync<long>(tenant, "SELECT max(id) FROM signals_outbox");

        // A's settled cursor (the answer's C) covers the note once A read past every transaction that was running then (B's start-up
        // writes some): until its next read it may stay below, and B would rightly repeat the note above that C.
        Assert.True(
            await a.Services.GetRequiredService<SignalHub>().WaitForSettledAsync(noteVersion, TimeSpan.FromSeconds(10), Cancel),
            "A's settled cursor did not reach the note's version.");
        JsonObject first = await ChangesAsync(a, [doc, note], cursor: null, waitMs: 0);
        Assert.Equal(docVersion, (long)first["changed"]![doc.Value]!["version"]!);
        Assert.Equal(noteVersion, (long)first["changed"]![note.Value]!["version"]!);
        string cursor = (string)first["cursor"]!;
        Assert.Equal(noteVersion, SseEventId.Numbers(cursor).Split('-').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).Max());

        // The next poll, on B: no reset, the app's key not repeated, the tenant key repeated at its current version.
        JsonObject second = await ChangesAsync(b, [doc, note], cursor, waitMs: 0);
        Assert.True(second["reset"] is null || !second["reset"]!.GetValue<bool>(), "The poll on B was answered with a reset.");
        Assert.False(second["changed"]!.AsObject().ContainsKey(note.Value), "The app's key was repeated below the cursor.");
        Assert.Equal(docVersion, (long)second["changed"]![doc.Value]!["version"]!);

        // A long-poll from there waits, and ends when the tenant key changes (on A) while it waits.
        Task<JsonObject> polling = ChangesAsync(b, [doc, note], (string)second["cursor"]!, waitMs: 20_000);
        await Task.Delay(500, Cancel);
        Assert.False(polling.IsCompleted, "The long-poll answered at once although nothing changed.");
        await a.SaveDocAsync("d1", "v2", Cancel);
        JsonObject woken = await polling.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        Assert.Equal(await ScalarAsync<long>(tenant, "SELECT max(id) FROM signals_outbox"), (long)woken["changed"]![doc.Value]!["version"]!);
    }

    [Fact]
    public async Task A_stale_if_match_on_the_other_instance_is_412_and_changes_nothing_in_the_app_or_the_tenant_database()
    {
        (string main, string tenant) = await CreateDatabasesAsync("tenant_ifmatch");
        await using TenantInstance a = await TenantInstance.StartAsync("app-a", main, tenant, tenantHearsOthers: true, Cancel);
        await using TenantInstance b = await TenantInstance.StartAsync("app-b", main, tenant, tenantHearsOthers: true, Cancel);

        // The app's value is stored in the app's database, the tenant's in the tenant's: the compare-and-set runs in that database.
        foreach ((string key, string home, string other) in new[] { ("main:theme", main, tenant), ("acme:setting:font", tenant, main) })
        {
            using HttpResponseMessage created = await PutAsync(a, key, 12, "\"0\"");
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            using HttpResponseMessage stale = await PutAsync(b, key, 13, "\"0\""); // B has not seen A's write: only the database can refuse it
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
            Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
            Assert.Equal(SignalsProblemTypes.VersionConflict, (string?)(await stale.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["type"]);
            using HttpResponseMessage updated = await PutAsync(b, key, 14, created.Headers.ETag!.Tag);
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            using HttpResponseMessage lost = await PutAsync(a, key, 15, created.Headers.ETag!.Tag);
            Assert.Equal(HttpStatusCode.PreconditionFailed, lost.StatusCode);

            long version = long.Parse(updated.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);
            Assert.Equal(14, await ScalarAsync<int>(home, $"SELECT (value->>'size')::int FROM signals_values WHERE key = '{key}'"));
            Assert.Equal(version, await ScalarAsync<long>(home, $"SELECT max(id) FROM signals_outbox WHERE key = '{key}'"));
            Assert.Equal(2L, await ScalarAsync<long>(home, $"SELECT count(*) FROM signals_outbox WHERE key = '{key}'")); // the two refusals wrote nothing
            Assert.Equal(0L, await ScalarAsync<long>(other, $"SELECT count(*) FROM signals_values WHERE key = '{key}'"));
        }
    }

    private static async Task<HttpResponseMessage> PutAsync(TenantInstance instance, string key, int size, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/signals/values/" + key) { Content = JsonContent.Create(new { size }) };
        Assert.True(request.Headers.TryAddWithoutValidation("If-Match", ifMatch));
        return await instance.Http.SendAsync(request, Cancel);
    }

    private static async Task<JsonObject> ChangesAsync(TenantInstance instance, SignalKey[] keys, string? cursor, int waitMs)
    {
        var body = new { keys = keys.Select(k => k.Value).ToArray(), cursor, waitMs };
        using HttpResponseMessage response = await instance.Http.PostAsJsonAsync("/signals/changes", body, JsonSerializerOptions.Web, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
    }

    private async Task<(string Main, string Tenant)> CreateDatabasesAsync(string name)
    {
        string main = await postgres.CreateDatabaseAsync(name + "_main", Cancel);
        string tenant = await postgres.CreateDatabaseAsync(name + "_acme", Cancel);
        await TenantInstance.CreateSchemaAsync(main, tenant, Cancel);
        return (main, tenant);
    }

    private static Task<SseClient> OpenAsync(TenantInstance instance, SignalKey[] keys, CancellationToken deadline, string? lastEventId = null)
        => SseClient.OpenAsync(instance.Http, "/signals/events?" + string.Join('&', keys.Select(k => "key=" + Uri.EscapeDataString(k.Value))), deadline, lastEventId);

    private static async Task<JsonObject> SyncAsync(TenantInstance instance, Dictionary<string, long> known)
    {
        using HttpResponseMessage response = await instance.Http.PostAsJsonAsync("/signals/sync", new { known }, JsonSerializerOptions.Web, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
    }

    /// <summary>Reads the next signal event, with its event id parsed as <c>C</c> or <c>C-H</c> (<c>H</c> = <c>C</c> when absent).</summary>
    private static async Task<(Event Event, (long Resume, long Highest) Id)> NextAsync(SseClient events)
    {
        while (true)
        {
            SseItem<string> item = await events.NextAsync();
            if (item.EventType == "signal")
            {
                string[] parts = SseEventId.Numbers(item.EventId).Split('-');
                long resume = long.Parse(parts[0], CultureInfo.InvariantCulture);
                return (JsonSerializer.Deserialize<Event>(item.Data, JsonSerializerOptions.Web)!,
                    (resume, parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : resume));
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Cancel))!;
    }

    private sealed record Event(string Key, long Version, string? Hash, long UpdatedAt);
}
