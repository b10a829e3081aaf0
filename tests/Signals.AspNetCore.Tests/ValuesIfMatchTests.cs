using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// Conditional value writes over real HTTP: <c>ETag</c> on GET and PUT, <c>PUT</c> with <c>If-Match</c> stores only at the expected
/// version, answers 412 <c>version-conflict</c> otherwise and changes nothing; <c>DELETE</c> with <c>If-Match</c> likewise; a malformed
/// <c>If-Match</c> is 400.
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

    private static async Task<HttpResponseMessage> DeleteAsync(TestServerHost host, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Path);
        if (ifMatch is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("If-Match", ifMatch));
        }

        TestAuthentication.Apply(request, "ada", "writer");
        return await host.Client.SendAsync(request, Token);
    }

    [Fact]
    public async Task Delete_with_the_current_version_deletes_and_a_stale_one_is_412_and_changes_nothing()
    {
        await using TestServerHost host = await StartAsync();
        using HttpResponseMessage first = await PutAsync(host, """{"mode":"light"}""", ifMatch: null);
        string stale = first.Headers.ETag!.Tag;
        using HttpResponseMessage second = await PutAsync(host, """{"mode":"dark"}""", ifMatch: null);
        string current = second.Headers.ETag!.Tag;
        long cursor = host.Hub.Cursor;

        // Stale (also as a bare number): 412 version-conflict, the value stays and no version moves.
        using HttpResponseMessage staleDelete = await DeleteAsync(host, stale);
        string detail = await TestServerHost.ReadProblemAsync(staleDelete, 412, SignalsProblemTypes.VersionConflict);
        using HttpResponseMessage staleBare = await DeleteAsync(host, stale.Trim('"'));
        await TestServerHost.ReadProblemAsync(staleBare, 412, SignalsProblemTypes.VersionConflict);
        using HttpResponseMessage zero = await DeleteAsync(host, "\"0\"");
        await TestServerHost.ReadProblemAsync(zero, 412, SignalsProblemTypes.VersionConflict);

        Assert.Contains("\"app:theme\"", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(current.Trim('"'), detail, StringComparison.Ordinal);
        Assert.Equal(cursor, host.Hub.Cursor);
        Assert.Equal("dark", (await Store(host).GetAsync(Theme, Token))!.Value.GetProperty("mode").GetString());

        // Current: deleted, and the version moves, so sync and streams see it.
        using HttpResponseMessage deleted = await DeleteAsync(host, current);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await Store(host).GetAsync(Theme, Token));
        Assert.True(host.Hub.Cursor > cursor);

        // Nothing stored now: a version is a conflict, "0" (only if nothing is stored) finds nothing to delete.
        using HttpResponseMessage gone = await DeleteAsync(host, current);
        await TestServerHost.ReadProblemAsync(gone, 412, SignalsProblemTypes.VersionConflict);
        using HttpResponseMessage nothing = await DeleteAsync(host, "\"0\"");
        await TestServerHost.ReadProblemAsync(nothing, 404, SignalsProblemTypes.ValueNotFound);
    }

    [Theory]
    [InlineData("W/\"1\"")]
    [InlineData("*")]
    [InlineData("\"1\", \"2\"")]
    public async Task A_malformed_if_match_on_delete_is_400_and_deletes_nothing(string ifMatch)
    {
        await using TestServerHost host = await StartAsync();
        using HttpResponseMessage put = await PutAsync(host, """{"mode":"light"}""", ifMatch: null);
        long cursor = host.Hub.Cursor;

        using HttpResponseMessage response = await DeleteAsync(host, ifMatch);

        Assert.Contains("If-Match", await TestServerHost.ReadProblemAsync(response, 400, SignalsProblemTypes.InvalidRequest), StringComparison.Ordinal);
        Assert.Equal(cursor, host.Hub.Cursor);
        Assert.NotNull(await Store(host).GetAsync(Theme, Token));
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
