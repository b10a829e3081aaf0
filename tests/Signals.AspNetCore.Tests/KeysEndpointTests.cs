using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// <c>{prefix}/keys.js</c> and <c>{prefix}/keys.d.ts</c>: typed key builders and value types generated from the catalog, checked with
/// the pinned <c>tsc</c> (<see cref="TypeScriptTool"/>) the way a TypeScript app uses them: right arguments compile, wrong ones do not,
/// and <c>getValue(keys…)</c> of client.js reads the value signal's type.
/// </summary>
public sealed class KeysEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_module_and_its_declarations_are_served_beside_the_client_with_a_strong_ETag()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: TypedCatalog.AddTo);

        using HttpResponseMessage script = await host.Client.GetAsync("/signals/keys.js", Token);
        using HttpResponseMessage declarations = await host.Client.GetAsync("/signals/keys.d.ts", Token);
        using HttpResponseMessage helpers = await host.Client.GetAsync("/signals/key-format.js", Token);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/signals/keys.js");
        revalidate.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        using HttpResponseMessage notModified = await host.Client.SendAsync(revalidate, Token);
        using HttpResponseMessage post = await host.Client.PostAsync("/signals/keys.d.ts", null, Token);

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/typescript", declarations.Content.Headers.ContentType?.MediaType);
        Assert.True(script.Headers.CacheControl?.NoCache);
        Assert.False(script.Headers.ETag?.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Contains("from './key-format.js'", await script.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Contains("export function escapeArgument", await helpers.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Contains("status(status: \"Pending\" | \"Paid\" | \"Shipped\"): string;", await declarations.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal("GET", post.Content.Headers.Allow.Single());
        await TestServerHost.ReadProblemAsync(post, 405, SignalsProblemTypes.MethodNotAllowed);
    }

    [Fact]
    public async Task Tsc_accepts_the_right_arguments_and_types_values_and_rejects_every_wrong_argument()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: TypedCatalog.AddTo);
        await TypeScriptCompileCheck.AssertOnlyMarkedLinesFailAsync(host, App, Wrong, "keys.js", "keys.d.ts", "client.js");
    }

    [Fact]
    public async Task Under_tenancy_the_builders_take_what_clients_name_without_the_tenant()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: s =>
        {
            s.AddSingleton(new SignalCatalog(
            [
                new SignalDescriptor("chat:{TenantId}:room:{RoomId}", "Chat.Message", SignalKind.Family,
                [
                    new SignalPlaceholder("TenantId", SignalPlaceholderKind.String, "System.String"),
                    new SignalPlaceholder("RoomId", SignalPlaceholderKind.Integer, "System.Int32"),
                ]),
                new SignalDescriptor("app:theme", "App.Theme", SignalKind.Value) { ValueType = SignalValueType.Create<TypedCatalog.Note>() },
                new SignalDescriptor("chat:rooms", "Chat.Room", SignalKind.Signal),
            ]));
            s.AddSignals().AddTenantResolver(static (HttpContext _) => "acme", o => o.SharedNamespaces.Add("app"));
        });

        string declarations = await host.Client.GetStringAsync("/signals/keys.d.ts", Token);
        string script = await host.Client.GetStringAsync("/signals/keys.js", Token);

        Assert.Contains("room(roomId: number): string;", declarations, StringComparison.Ordinal);
        Assert.Contains("theme(): ValueKey<Note>;", declarations, StringComparison.Ordinal);
        Assert.DoesNotContain("tenantId", declarations, StringComparison.Ordinal);
        Assert.DoesNotContain("rooms", declarations, StringComparison.Ordinal); // a per-tenant key no client can name
        Assert.Contains("\"room\": (roomId) => join([\"chat\", \"room\", integer(\"roomId\", roomId, \"Int32\", \"-2147483648\", \"2147483647\")]),", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Computed_signals_get_builders_that_build_the_keys_of_their_dotnet_factories()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(services: s => s.AddSingleton(new SignalCatalog(
        [
            new SignalDescriptor("orders:tenant:{TenantId}", "Shop.Order", SignalKind.Family, [new SignalPlaceholder("TenantId", SignalPlaceholderKind.Integer, "System.Int32")]),

            // As the generator describes a computed signal: each placeholder a string, the argument spelled as its inputs' keys spell it.
            new SignalDescriptor("dashboard:tenant:{TenantId}", "Shop.TenantDashboard", SignalKind.Computed, [new SignalPlaceholder("TenantId", SignalPlaceholderKind.String, "System.String")])
            {
                Inputs = ["orders:tenant:{TenantId}"],
            },
            new SignalDescriptor("dashboard:overview", "Shop.Overview", SignalKind.Computed) { Inputs = ["dashboard:tenant:{TenantId}"] },
        ])));

        string declarations = await host.Client.GetStringAsync("/signals/keys.d.ts", Token);
        using JsonDocument built = await host.RunNodeDriverAsync(ComputedDriver, "keys.js");

        Assert.Contains("`dashboard:tenant:{TenantId}`: the computed signal of `Shop.TenantDashboard`.", declarations, StringComparison.Ordinal);
        Assert.Contains("tenant(tenantId: string): string;", declarations, StringComparison.Ordinal);
        Assert.Contains("overview(): string;", declarations, StringComparison.Ordinal);

        // The generated factory of a computed key: SignalKey.Create("dashboard:tenant", SignalKey.FormatArgument(tenantId)).
        Assert.Equal(SignalKey.Create("dashboard:tenant", SignalKey.FormatArgument("a:b%c")).Value, built.RootElement.GetProperty("escaped").GetString());
        Assert.Equal("dashboard:tenant:42", built.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("orders:tenant:42", built.RootElement.GetProperty("input").GetString());
        Assert.Equal("dashboard:overview", built.RootElement.GetProperty("overview").GetString());
    }

    /// <summary>Builds the computed keys (and an input's) with keys.js in Node.js, as a page does.</summary>
    private const string ComputedDriver = """
        import { keys } from './keys.js';
        console.log(JSON.stringify({
          escaped: keys.dashboard.tenant('a:b%c'),
          tenant: keys.dashboard.tenant('42'),
          input: keys.orders.tenant(42),
          overview: keys.dashboard.overview(),
        }));
        """;


    /// <summary>What an app writes: every builder with the right arguments, typed values, and the exact JSON shape of the value types.</summary>
    private const string App = """
        import { keys, type ShopSettings, type Discount, type Note, type Widget, type Shape, type PageOfDiscount, type ValueKey } from './keys.js';
        import type { Signals_AspNetCore_Tests_TypedCatalog_Widget_Discount as OwnDiscount } from './keys.js';
        import { getValue, createClient } from './client.js';

        type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

        export const built: string[] = [
          keys.shop.status('Paid'),
          keys.shop.order(-42),
          keys.shop.ledgerDayAt(9007199254740993n, '2024-05-17', new Date()),
          keys.shop.ledgerDayAt(1, '2024-05-17', '2024-05-17T08:30:00.0000000+02:00'),
          keys.shop.customerVip('0f8fad5b-d9cb-469f-a165-70867728950e', true),
          keys.shop.orders(),
          keys.shop.note('a:b'),
          keys.secret.order(7),
        ];
        export const settingsKey: ValueKey<ShopSettings> = keys.shop.shopSettings();

        // The JSON as the value store writes it: camelCase or [JsonPropertyName], null where the property may be null, enums as they
        // are written (numbers, or names with JsonStringEnumConverter), dates and Guids as strings, optional when conditionally ignored.
        export const settingsShape: Equals<ShopSettings, {
          currency: string;
          maxItems: number;
          banner: string | null;
          level: 0 | 1;
          tone: "Warm" | "cold";
          opensAt: string | null;
          since: string;
          owner: string;
          discounts: Array<Discount> | null;
          prices: Record<string, number> | null;
          tags: Array<string | null> | null;
          v: number;
          comment?: string | null;
        }> = true;
        export const discountShape: Equals<Discount, { code: string; percent: number; next: Discount | null }> = true;
        export const noteShape: Equals<Note, { text: string }> = true;
        export const widgetShape: Equals<Widget, {
          shape: Shape;
          page: PageOfDiscount | null;
          big: string;
          levelName: "Low" | "High";
          custom: unknown;
          own: OwnDiscount | null;
          shared: Discount | null;
          [property: string]: unknown;
        }> = true;
        export const shapeShape: Equals<Shape, ({ $type: "circle" } & { radius: number }) | ({ $type: "square" } & { side: number })> = true;
        export const pageShape: Equals<PageOfDiscount, { items: Array<OwnDiscount>; total: number }> = true;
        export const ownShape: Equals<OwnDiscount, { amount: number }> = true;
        export const widgetKey: ValueKey<Widget> = keys.shop.widget();

        export async function read(): Promise<string | undefined> {
          const answer = await getValue(keys.shop.shopSettings());
          const settings: ShopSettings | undefined = answer?.value;
          const version: number | undefined = answer?.version;
          const untyped = await getValue('shop:shop-settings');
          const anything: unknown = untyped?.value;
          const note = await createClient().getValue(keys.shop.note('lobby'));
          return `${settings?.discounts?.[0]?.code}${version}${String(anything)}${note?.value.text.toUpperCase()}`;
        }

        export const watching = createClient().watch([keys.shop.orders(), keys.shop.shopSettings()], change => change.version);
        """;

    /// <summary>Each line marked "// error" must fail to compile, and nothing else.</summary>
    private const string Wrong = """
        import { keys, type ValueKey } from './keys.js';
        import { getValue } from './client.js';

        keys.shop.order('42'); // error
        keys.shop.order(42n); // error
        keys.shop.status('paid'); // error
        keys.shop.status(); // error
        keys.shop.customerVip('0f8fad5b-d9cb-469f-a165-70867728950e', 'true'); // error
        keys.shop.note(5); // error
        keys.shop.ledgerDayAt(1, '2024-05-17'); // error
        keys.shop.unknown(); // error
        keys.nowhere.order(1); // error
        export const wrongValue: ValueKey<string> = keys.shop.shopSettings(); // error
        export const notAKey: ValueKey<number> = 'shop:shop-settings'; // error
        export const fine = keys.shop.order(42);
        getValue(keys.shop.shopSettings()).then(answer => answer?.value.currency.toFixed()); // error
        getValue(keys.shop.shopSettings()).then(answer => answer?.value.nope); // error
        """;
}
