using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// <c>{prefix}/client.d.ts</c>: the TypeScript declarations of client.js, typed with the key builders and value types of
/// <c>{prefix}/keys.d.ts</c>, checked with the pinned <c>tsc</c> (<see cref="TypeScriptTool"/>) the way a TypeScript app uses them:
/// the whole client API with typed keys compiles, wrong keys and wrong value types do not, and it declares exactly what client.js exports.
/// </summary>
public sealed partial class ClientDeclarationsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_declarations_are_served_beside_the_client_with_a_strong_ETag()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: TypedCatalog.AddTo);

        using HttpResponseMessage declarations = await host.Client.GetAsync("/signals/client.d.ts", Token);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/signals/client.d.ts");
        revalidate.Headers.IfNoneMatch.Add(declarations.Headers.ETag!);
        using HttpResponseMessage notModified = await host.Client.SendAsync(revalidate, Token);
        using HttpResponseMessage post = await host.Client.PostAsync("/signals/client.d.ts", null, Token);
        using HttpResponseMessage otherDeclarations = await host.Client.GetAsync("/signals/query.d.ts", Token);

        Assert.Equal(HttpStatusCode.OK, declarations.StatusCode);
        Assert.Equal("application/typescript", declarations.Content.Headers.ContentType?.MediaType);
        Assert.True(declarations.Headers.CacheControl?.NoCache);
        Assert.False(declarations.Headers.ETag?.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Contains("export type * from './keys.js';", await declarations.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, otherDeclarations.StatusCode);
        Assert.Equal("GET", post.Content.Headers.Allow.Single());
        await TestServerHost.ReadProblemAsync(post, 405, SignalsProblemTypes.MethodNotAllowed);
    }

    [Fact]
    public async Task Tsc_accepts_the_client_api_with_typed_keys_and_rejects_wrong_keys_and_values()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: TypedCatalog.AddTo);
        await TypeScriptCompileCheck.AssertOnlyMarkedLinesFailAsync(host, App, Wrong, "keys.js", "keys.d.ts", "client.js", "client.d.ts");
    }

    [Fact]
    public async Task The_declarations_declare_exactly_the_values_client_js_exports()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: TypedCatalog.AddTo);
        string declarations = await host.Client.GetStringAsync("/signals/client.d.ts", Token);
        using JsonDocument exported = await host.RunNodeDriverAsync(ExportsDriver, "client.js");

        string[] declared = [.. DeclaredValue().Matches(declarations).Select(m => m.Groups["name"].Value).Order(StringComparer.Ordinal)];
        Assert.Equal([.. exported.RootElement.EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal)], declared);
    }

    /// <summary>Prints the names client.js exports, as Node.js loads it.</summary>
    private const string ExportsDriver = """
        const client = await import('./client.js');
        console.log(JSON.stringify(Object.keys(client)));
        """;

    [GeneratedRegex(@"^export declare (?:class|function|const) (?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex DeclaredValue();

    /// <summary>What an app writes: the client's functions, queries, mutations with optimistic updates, the adapters, typed by the keys.</summary>
    private const string App = """
        import { keys, type ShopSettings, type Note } from './keys.js';
        import {
          createClient, query, mutation, setValue, updateValue, getValue, watch, sync, changes, invalidate, createPollingAdapter, createEventSource,
          createEventSourceFactory, SignalQuery, SignalMutation, PollingAdapter, Watch, SignalsError, RealityEventSource, SignalsClient,
          type QueryState, type MutationState, type SyncAnswer, type SignalValueAnswer, type ValueKey,
        } from './client.js';

        type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

        const client: SignalsClient = createClient({ baseUrl: '/signals/' });
        export const settings = query(keys.shop.shopSettings(), { fetcher: async ({ signal }) => (await getValue(keys.shop.shopSettings(), { signal }))!.value, staleTime: 1000, dedupe: 50 });
        export const settingsType: Equals<typeof settings, SignalQuery<ShopSettings>> = true;
        export const notes = client.query<Note[]>([keys.shop.orders(), keys.shop.order(1)], { fetcher: () => [], fallback: [] });
        export const add = mutation(async (text: string) => (await setValue(keys.shop.note('lobby'), { text })).version, {
          optimistic: { query: notes, update: (list, text) => [...list, { text }] },
          invalidates: [settings, keys.shop.orders()],
          onSuccess: (version, text) => console.log(version.toFixed(), text.toUpperCase()),
        });
        export const addType: Equals<typeof add, SignalMutation<string, number>> = true;
        export const both = client.mutation((text: string) => text, {
          optimistic: [
            { query: notes, update: (list, text) => [...list, { text }] },
            { query: settings, update: (s, text) => ({ ...s, banner: text }) },
          ],
        });
        export const bannerKey: ValueKey<ShopSettings> = keys.shop.shopSettings();

        export async function run(): Promise<void> {
          const written: SignalValueAnswer<Note> = await setValue(keys.shop.note('lobby'), { text: 'hi' }, { ifMatch: 3 });
          const updated = await updateValue(keys.shop.note('lobby'), current => ({ text: current.text + '!' }), { defaultValue: { text: '' }, maxAttempts: 3 });
          const updatedType: Equals<typeof updated, SignalValueAnswer<Note>> = true;
          const answer: SyncAnswer = await sync({ [keys.shop.orders()]: 0 }, { wait: 1000 });
          await changes([keys.shop.orders()], answer.cursor ?? null);
          const following: Watch = watch([keys.shop.orders()], change => change.version, { transport: 'poll', onStatus: status => status });
          following.close();
          const adapter: PollingAdapter<Note> = createPollingAdapter<Note>('/api/notes/1', note => note.text, client, { interval: 1000, staleTime: null });
          adapter.stop();
          const unsubscribe = settings.subscribe((state: QueryState<ShopSettings>) => state.isStale);
          unsubscribe();
          add.subscribe((state: MutationState<number>) => state.isPending);
          await add.mutate('hello');
          await invalidate(keys.shop.orders());
          const source: RealityEventSource = createEventSource('/chat/room/1', client, { transform: data => String(data) });
          source.onmessage = event => event.data;
          source.close();
          const Bound = createEventSourceFactory(client);
          new Bound('/chat/room/2').close();
          try {
            await getValue('shop:shop-settings');
          } catch (error) {
            if (error instanceof SignalsError && error.isPermanent) throw new Error(error.detail ?? String(error.status));
          }
          void written; void updatedType;
        }
        """;

    /// <summary>Each line marked "// error" must fail to compile, and nothing else.</summary>
    private const string Wrong = """
        import { keys } from './keys.js';
        import { query, mutation, setValue, updateValue, createClient, keys as notExported } from "./client.js";

        setValue(keys.shop.note('lobby'), { text: 5 }); // error
        setValue(keys.shop.shopSettings(), { text: 'x' }); // error
        updateValue(keys.shop.note('lobby'), current => ({ text: current.length }), { defaultValue: { text: '' } }); // error
        updateValue(keys.shop.note('lobby'), current => current, { defaultValue: 'none' }); // error
        keys.shop.note(5); // error
        const notes = query(keys.shop.orders(), { fetcher: () => [{ text: 'a' }] });
        mutation(async (text: string) => text, { optimistic: { query: notes, update: (list, text) => [...list, text] } }); // error
        mutation(async (text: string) => text, { optimistic: [{ query: notes, update: list => list.length }] }); // error
        mutation(async (text: string) => text, { onSuccess: (result: number) => result }); // error
        query(keys.shop.orders(), { fetcher: () => 1, staleTime: '1s' }); // error
        createClient({ baseUrl: 5 }); // error
        export const typeOnly = notExported; // error
        """;
}
