using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// The browser client (client.js and keys.js as served, run in Node.js against real Kestrel) meets a key its declaration cannot
/// produce: the watch ends <c>failed</c> with the server's problem after one request, <c>getValue</c> rejects with it, and the key
/// builder refuses the argument before anything is sent.
/// </summary>
public sealed class ClientScriptRefusalTests
{
    [Fact]
    public async Task A_refused_key_fails_the_watch_once_with_the_expected_form_and_is_not_retried()
    {
        int syncs = 0;
        await using TestServerHost host = await TestServerHost.StartAsync(services: TypedCatalog.AddTo, map: app =>
        {
            app.Use((context, next) =>
            {
                if (context.Request.Path == "/signals/sync")
                {
                    Interlocked.Increment(ref syncs);
                }

                return next(context);
            });
            app.MapSignals();
        });
        using JsonDocument result = await host.RunNodeDriverAsync(Driver, "client.js", "keys.js");
        JsonElement root = result.RootElement;
        Assert.Equal(["failed"], root.GetProperty("statuses").EnumerateArray().Select(s => s.GetString())); // never offline, never retried
        foreach (string refusal in new[] { "watch", "value" })
        {
            JsonElement error = root.GetProperty(refusal);
            Assert.Equal("SignalsError", error.GetProperty("name").GetString());
            Assert.Equal(400, error.GetProperty("status").GetInt32());
            Assert.Equal(SignalsProblemTypes.UnknownSignal, error.GetProperty("type").GetString());
            Assert.True(error.GetProperty("permanent").GetBoolean());
        }

        Assert.Contains("'paid' is not a member of OrderStatus: Pending, Paid, Shipped", root.GetProperty("watch").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("'abc' is not an Int32", root.GetProperty("value").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("RangeError: status: 'paid' is not a member of OrderStatus: Pending, Paid, Shipped.", root.GetProperty("builder").GetString());
        Assert.Equal("shop:status:Paid", root.GetProperty("built").GetString());
        Assert.Equal(1, Volatile.Read(ref syncs)); // the watch's first sync; nothing after it failed
    }

    /// <summary>Watches a refused key, waits a second after it failed, reads a refused value, calls a builder wrongly and rightly.</summary>
    private const string Driver = """
        const base = process.argv[2];
        globalThis.location = new URL(base);
        const { createClient } = await import('./client.js');
        const { keys } = await import('./keys.js');
        const client = createClient({ baseUrl: base });
        const statuses = [];
        const failed = await new Promise(resolve => client.watch(['shop:status:paid'], () => {}, {
          onStatus: (status, error) => { statuses.push(status); if (status === 'failed') resolve(error); },
        }));
        await new Promise(resolve => setTimeout(resolve, 1000));
        const value = await client.getValue('shop:order:abc').then(() => null, error => error);
        const describe = error => ({ name: error.name, status: error.status, type: error.type, detail: error.detail, permanent: error.isPermanent });
        let builder;
        try { keys.shop.status('paid'); } catch (error) { builder = `${error.name}: ${error.message}`; }
        console.log(JSON.stringify({ statuses, watch: describe(failed), value: describe(value), builder, built: keys.shop.status('Paid') }));
        """;
}
