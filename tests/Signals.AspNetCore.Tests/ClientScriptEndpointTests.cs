using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

public sealed partial class ClientScriptEndpointTests
{
    [Fact]
    public async Task Client_script_is_an_ES_module_with_a_strong_ETag_that_must_be_revalidated()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();

        using HttpResponseMessage response = await host.Client.GetAsync("/signals/client.js", TestContext.Current.CancellationToken);
        string script = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        EntityTagHeaderValue? etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.Contains("export class SignalsClient", script, StringComparison.Ordinal);
        Assert.Contains("export class RealityEventSource", script, StringComparison.Ordinal);
        Assert.Contains("import.meta.url", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Matching_If_None_Match_gets_304_without_a_body_and_a_stale_one_gets_the_script()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        using HttpResponseMessage first = await host.Client.GetAsync("/signals/client.js", TestContext.Current.CancellationToken);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/signals/client.js");
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using HttpResponseMessage notModified = await host.Client.SendAsync(revalidate, TestContext.Current.CancellationToken);

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/signals/client.js");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"an-older-version\""));
        using HttpResponseMessage changed = await host.Client.SendAsync(stale, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(first.Headers.ETag, notModified.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(
            await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
            await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Client_script_is_served_under_the_prefix_the_app_maps()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(map: app => app.MapSignals("/realtime"));

        using HttpResponseMessage mapped = await host.Client.GetAsync("/realtime/client.js", TestContext.Current.CancellationToken);
        using HttpResponseMessage unmapped = await host.Client.GetAsync("/signals/client.js", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, mapped.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unmapped.StatusCode);
    }

    [Fact]
    public async Task Every_module_the_client_imports_is_served_beside_it_and_any_other_name_is_404()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(map: app => app.MapSignals("/realtime"));

        // Follow the imports from the two entry modules, client.js and the generated keys.js, as a browser does: each relative to the
        // module that names it, so beside it.
        var served = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(["client.js", "keys.js"]);
        while (pending.TryDequeue(out string? module))
        {
            if (!served.Add(module))
            {
                continue;
            }

            using HttpResponseMessage response = await host.Client.GetAsync($"/realtime/{module}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.False(response.Headers.ETag?.IsWeak ?? true);
            Assert.True(response.Headers.CacheControl?.NoCache);
            foreach (Match import in ImportPattern().Matches(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
            {
                pending.Enqueue(import.Groups["module"].Value);
            }
        }

        using HttpResponseMessage unknown = await host.Client.GetAsync("/realtime/no-such-module.js", TestContext.Current.CancellationToken);
        using HttpResponseMessage outside = await host.Client.GetAsync("/realtime/query.css", TestContext.Current.CancellationToken);
        string[] files = [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", "Signals.AspNetCore", "ClientScript"), "*.js").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Contains("query.js", served);
        Assert.Equal(files.Append("keys.js").Order(StringComparer.Ordinal), served);   // every module is reachable from client.js or keys.js, and each is served
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }

    // `import … from './x.js'`, `export … from './x.js'` and JSDoc's `@import … from './x.js'`.
    [GeneratedRegex(@"from\s+'\./(?<module>[\w-]+\.js)'")]
    private static partial Regex ImportPattern();
}
