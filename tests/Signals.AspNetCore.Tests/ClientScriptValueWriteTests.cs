using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// The browser client's value writes (client.js as served, run in Node.js against real Kestrel): <c>setValue</c> with a stale
/// <c>ifMatch</c> rejects with the server's 412 <c>version-conflict</c> and stores nothing, and 16 concurrent <c>updateValue</c> calls
/// lose no update.
/// </summary>
public sealed class ClientScriptValueWriteTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Set_value_with_a_stale_if_match_is_refused_and_concurrent_updates_lose_nothing()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s => s.AddAuthorization(o => o.AddPolicy("anyone", p => p.RequireAssertion(_ => true))),
            map: app => app.MapSignals().MapSignalValueWrites("anyone"));
        using JsonDocument result = await host.RunNodeDriverAsync(Driver, "client.js");
        JsonElement root = result.RootElement;
        JsonElement conflict = root.GetProperty("conflict");
        Assert.Equal(412, conflict.GetProperty("status").GetInt32());
        Assert.Equal(SignalsProblemTypes.VersionConflict, conflict.GetProperty("type").GetString());
        Assert.Equal("RangeError", root.GetProperty("badIfMatch").GetString());
        long created = root.GetProperty("created").GetInt64();
        Assert.True(root.GetProperty("updated").GetInt64() > created);

        SignalValue<JsonElement> stored = (await host.App.Services.GetRequiredService<ISignalValueStore>().GetAsync(SignalKey.Parse("demo:tally"), Token))!;
        Assert.Equal(
            Enumerable.Range(0, 16).SelectMany(u => Enumerable.Range(0, 3).Select(i => $"{u}.{i}")).Order(StringComparer.Ordinal),
            stored.Value.GetProperty("marks").EnumerateArray().Select(m => m.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal("b", stored.Value.GetProperty("first").GetString());
    }

    /// <summary>Creates the value with ifMatch 0, fails a stale write, updates it, then runs 16 updaters of 3 updates each.</summary>
    private const string Driver = """
        const base = process.argv[2];
        globalThis.location = new URL(base);
        const { createClient } = await import('./client.js');
        const client = createClient({ baseUrl: base });
        const key = 'demo:tally';
        const created = await client.setValue(key, { first: 'a', marks: [] }, { ifMatch: 0 });
        const conflict = await client.setValue(key, { first: 'x', marks: [] }, { ifMatch: 0 }).then(() => null, error => error);
        const updated = await client.setValue(key, { first: 'b', marks: [] }, { ifMatch: created.version });
        let badIfMatch;
        try { await client.setValue(key, {}, { ifMatch: -1 }); } catch (error) { badIfMatch = error.name; }
        await Promise.all(Array.from({ length: 16 }, async (_, u) => {
          for (let i = 0; i < 3; i++) {
            await client.updateValue(key, current => ({ ...current, marks: [...current.marks, `${u}.${i}`] }), { defaultValue: { marks: [] } });
          }
        }));
        console.log(JSON.stringify({ created: created.version, updated: updated.version, badIfMatch,
          conflict: { status: conflict.status, type: conflict.type } }));
        """;
}
