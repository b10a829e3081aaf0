using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Signals.Samples.Chat.Model;

namespace Signals.Samples.Chat.Api;

/// <summary>The chat's JSON API. It knows nothing of Signals: saving through EF Core is what notifies clients.</summary>
public static class ChatApi
{
    /// <summary>A message as the API returns it.</summary>
    /// <param name="Id">The message id.</param>
    /// <param name="RoomId">The room.</param>
    /// <param name="Author">Who wrote it.</param>
    /// <param name="Text">The text.</param>
    /// <param name="SentAt">When it was posted.</param>
    public sealed record MessageDto(long Id, string RoomId, string Author, string Text, DateTimeOffset SentAt);

    /// <summary>A message to post.</summary>
    /// <param name="Author">Who writes it (1–100 characters).</param>
    /// <param name="Text">The text (1–2,000 characters).</param>
    public sealed record PostMessage(string? Author, string? Text);

    /// <summary>Moves a message to another room.</summary>
    /// <param name="RoomId">The target room.</param>
    public sealed record MoveMessage(string RoomId);

    /// <summary>Maps the API under <c>/api</c>.</summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <returns>The API's route group.</returns>
    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api");
        api.MapGet("/rooms", ListRoomsAsync);
        api.MapGet("/rooms/{roomId}/messages", ListMessagesAsync);
        api.MapPost("/rooms/{roomId}/messages", PostMessageAsync);
        api.MapPost("/messages/{id:long}/move", MoveMessageAsync);
        return api;
    }

    private static async Task<Ok<Room[]>> ListRoomsAsync(ChatDbContext db, CancellationToken cancellationToken)
        => TypedResults.Ok(await db.Rooms.AsNoTracking().OrderBy(r => r.Id).ToArrayAsync(cancellationToken));

    private static async Task<Results<Ok<MessageDto[]>, NotFound>> ListMessagesAsync(string roomId, ChatDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Rooms.AnyAsync(r => r.Id == roomId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        MessageDto[] messages = await db.Messages.AsNoTracking()
            .Where(m => m.RoomId == roomId)
            .OrderByDescending(m => m.Id)
            .Take(100)
            .Select(m => new MessageDto(m.Id, m.RoomId, m.Author, m.Text, m.SentAt))
            .ToArrayAsync(cancellationToken);
        Array.Reverse(messages);
        return TypedResults.Ok(messages);
    }

    private static async Task<Results<Created<MessageDto>, NotFound, ValidationProblem>> PostMessageAsync(
        string roomId, PostMessage post, ChatDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(post.Author) || string.IsNullOrWhiteSpace(post.Text) || post.Author.Length > 100 || post.Text.Length > 2_000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["message"] = ["An author (1–100 characters) and a text (1–2,000 characters) are required."],
            });
        }

        if (!await db.Rooms.AnyAsync(r => r.Id == roomId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var message = new ChatMessage { RoomId = roomId, Author = post.Author!, Text = post.Text!, SentAt = clock.GetUtcNow() };
        db.Messages.Add(message);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/rooms/{roomId}/messages", new MessageDto(message.Id, message.RoomId, message.Author, message.Text, message.SentAt));
    }

    private static async Task<Results<NoContent, NotFound>> MoveMessageAsync(long id, MoveMessage move, ChatDbContext db, CancellationToken cancellationToken)
    {
        ChatMessage? message = await db.Messages.FindAsync([id], cancellationToken);
        if (message is null || !await db.Rooms.AnyAsync(r => r.Id == move.RoomId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        message.RoomId = move.RoomId;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
