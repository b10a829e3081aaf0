using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Signals.EndToEnd.Tests;

/// <summary>The chat sample's API as its pages call it, on one instance; each call asserts the status the API answers a valid request with.</summary>
internal static class ChatApi
{
    /// <summary>Creates a room (201) and returns its id, the name in kebab case.</summary>
    public static async Task<string> CreateRoomAsync(this ChatInstance instance, string name)
    {
        using HttpResponseMessage created = await instance.Http.PostAsJsonAsync("/api/rooms", new { name }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (string)(await created.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!;
    }

    /// <summary>Posts a message by <c>ada</c> to a room (201).</summary>
    public static async Task PostMessageAsync(this ChatInstance instance, string room, string text)
    {
        using HttpResponseMessage posted = await instance.Http.PostAsJsonAsync(
            $"/api/rooms/{room}/messages", new { author = "ada", text }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }

    /// <summary>Joins a room as a participant named after its id (204).</summary>
    public static async Task JoinAsync(this ChatInstance instance, string room, string participant)
    {
        using HttpResponseMessage joined = await instance.Http.PutAsJsonAsync(
            $"/api/rooms/{room}/participants/{participant}", new { name = participant }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, joined.StatusCode);
    }
}
