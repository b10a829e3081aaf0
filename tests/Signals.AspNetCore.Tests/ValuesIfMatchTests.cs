using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// Conditional value writes over real HTTP: <c>ETag</c> on GET and PUT, <c>PUT</c> with <c>If-Match</c> stores only at the expected
/// version, answers 412 <c>version-conflict</c> otherwise and changes nothing; a malformed <c>If-Match</c> is 400.
/// </summary>
public sealed class ValuesIfMatchTests
{
    private const string Writers = "signal-writers";
    private const string Path = "/signals/values/app:theme";
    private static readonly SignalKey Theme = SignalKey.Parse("app:theme");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<TestServerHost> StartAsync()
        => TestServerHost.StartAsync(
            services: s =>
            {
                TestAuthentication.AddTo(s);
                s.AddAuthorization(o => o.AddPolicy(Writers, p => p.RequireRole("writer")));
            },
            map: app => app.MapSignals().MapSignalValueWrites(Writers));

    private static ISignalValueStore Store(TestServerHost host) => host.App.Services.GetRequiredService<ISignalValueStore>();

    private static async Task<HttpResponseMessage> PutAsync(TestServerHost host, string body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("If-Match", ifMatch));
        }

        TestAuthentication.Apply(request, "ada", "writer");
        return await host.Client.SendAsync(request, Token);
    }

    [Fact]
    public async Task Get_and_put_answer_the_version_as_a_strong_etag()
    {
        await using TestServerHost host = await StartAsync();

        using HttpResponseMessage put = await PutAsync(host, """{"mode":"light"}""", ifMatch: null);
        long version = (await TestServerHost.ReadJsonAsync(put)).GetProperty("version").GetInt64();
        using HttpResponseMessage get = await host.Client.GetAsync(Path, Token);
        await TestServerHost.ReadJsonAsync(get);

        Assert.Equal($"\"{version}\"", put.Headers.ETag?.ToString());
        Assert.Equal($"\"{version}\"", get.Headers.ETag?.ToString());
        Assert.False(get.Headers.ETag!.IsWeak);
    }

    [Fact]
    public async Task Put_with_the_current_version_stores_and_a_stale_one_is_412_and_changes_nothing()
    {
        await using TestServerHost host = await StartAsync();

        // "0": only if nothing is stored.
        using HttpResponseMessage created = await PutAsync(host, """{"mode":"light"}""", "\"0\"");
        string etag = created.Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using HttpResponseMessage createdAgain = await PutAsync(host, """{"mode":"dark"}""", "\"0\"");
        await TestServerHost.ReadProblemAsync(createdAgain, 412, SignalsProblemTypes.VersionConflict);

        using HttpResponseMessage updated = await PutAsync(host, """{"mode":"dark"}""", etag);
        JsonElement json = await TestServerHost.ReadJsonAsync(updated);
        long version = json.GetProperty("version").GetInt64();
        long cursor = host.Hub.Cursor;

        // The first ETag is stale now: 412, and neither the value nor any version moves. The bare number form is the same precondition.
        using HttpResponseMessage stale = await PutAsync(host, """{"mode":"blue"}""", etag);
        string detail = await TestServerHost.ReadProblemAsync(stale, 412, SignalsProblemTypes.VersionConflict);
        using HttpResponseMessage staleBare = await PutAsync(host, """{"mode":"blue"}""", etag.Trim('"'));
        await TestServerHost.ReadProblemAsync(staleBare, 412, SignalsProblemTypes.VersionConflict);

        Assert.Contains("\"app:theme\"", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(version.ToString(System.Globalization.CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
        Assert.Equal(cursor, host.Hub.Cursor);
        SignalValue<JsonElement> stored = (await Store(host).GetAsync(Theme, Token))!;
        Assert.Equal(version, stored.Version);
        Assert.Equal("dark", stored.Value.GetProperty("mode").GetString());

        using HttpResponseMessage current = await PutAsync(host, """{"mode":"blue"}""", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.True((await TestServerHost.ReadJsonAsync(current)).GetProperty("version").GetInt64() > version);
    }

    [Theory]
    [InlineData("W/\"1\"")]
    [InlineData("*")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"abc\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"\"")]
    [InlineData("\"99999999999999999999\"")]
    [InlineData("1x")]
    public async Task A_malformed_if_match_is_400_and_stores_nothing(string ifMatch)
    {
        await using TestServerHost host = await StartAsync();
        long cursor = host.Hub.Cursor;

        using HttpResponseMessage response = await PutAsync(host, """{"mode":"light"}""", ifMatch);

        Assert.Contains("If-Match", await TestServerHost.ReadProblemAsync(response, 400, SignalsProblemTypes.InvalidRequest), StringComparison.Ordinal);
        Assert.Equal(cursor, host.Hub.Cursor);
        Assert.Null(await Store(host).GetAsync(Theme, Token));
    }
}
