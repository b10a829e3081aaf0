using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Signals.Samples.Chat.Model;

namespace Signals.Samples.Chat.Chat;

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

    /// <summary>A room to create.</summary>
    /// <param name="Name">The display name (1–200 characters); the id is derived from it (<c>Book club</c> → <c>book-club</c>).</param>
    public sealed record CreateRoom(string? Name);

    /// <summary>Joins a room, or renames a participant already in it.</summary>
    /// <param name="Name">The name to show (1–100 characters).</param>
    public sealed record JoinRoom(string? Name);

    /// <summary>A participant as the API returns it.</summary>
    /// <param name="Id">The id the client chose (one per browser tab).</param>
    /// <param name="Name">The name shown.</param>
    /// <param name="JoinedAt">When they joined.</param>
    public sealed record ParticipantDto(string Id, string Name, DateTimeOffset JoinedAt);

    /// <summary>Maps the chat sample: its API under <c>/api</c> (the page is <c>wwwroot/index.html</c>).</summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <returns>The API's route group.</returns>
    /// <remarks>Needs the app's <see cref="ChatDbContext"/> with Signals (see <see cref="ChatApp.Build"/>); no services of its own.</remarks>
    public static RouteGroupBuilder MapChatSample(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api");
        api.MapGet("/rooms", ListRoomsAsync);
        api.MapPost("/rooms", CreateRoomAsync);
        api.MapGet("/rooms/{roomId}/messages", ListMessagesAsync);
        api.MapPost("/rooms/{roomId}/messages", PostMessageAsync);
        api.MapPost("/messages/{id:long}/move", MoveMessageAsync);
        api.MapGet("/rooms/{roomId}/participants", ListParticipantsAsync);
        api.MapPut("/rooms/{roomId}/participants/{participantId}", JoinAsync);
        api.MapDelete("/rooms/{roomId}/participants/{participantId}", LeaveAsync);
        return api;
    }

    private static async Task<Ok<Room[]>> ListRoomsAsync(ChatDbContext db, CancellationToken cancellationToken)
        => TypedResults.Ok(await db.Rooms.AsNoTracking().OrderBy(r => r.Id).ToArrayAsync(cancellationToken));

    private static async Task<Results<Created<Room>, ValidationProblem, ProblemHttpResult>> CreateRoomAsync(
        CreateRoom create, ChatDbContext db, CancellationToken cancellationToken)
    {
        string name = create.Name?.Trim() ?? "";
        string id = Slug(name);
        if (name.Length is 0 or > 200 || id.Length == 0)
        {
            return Invalid("name", "A name of 1–200 characters with at least one letter or digit is required.");
        }

        ProblemHttpResult exists = TypedResults.Problem($"The room '{id}' exists already.", statusCode: StatusCodes.Status409Conflict, title: "Room exists");
        if (await db.Rooms.AnyAsync(r => r.Id == id, cancellationToken))
        {
            return exists;
        }

        var room = new Room { Id = id, Name = name };
        db.Rooms.Add(room);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.Database.IsRelational())
        {
            // Created by someone else at the same moment.
            return exists;
        }

        return TypedResults.Created($"/api/rooms/{id}", room);
    }

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
            return Invalid("message", "An author (1–100 characters) and a text (1–2,000 characters) are required.");
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

    private static async Task<Results<Ok<ParticipantDto[]>, NotFound>> ListParticipantsAsync(string roomId, ChatDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Rooms.AnyAsync(r => r.Id == roomId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        ParticipantDto[] participants = await db.Participants.AsNoTracking()
            .Where(p => p.RoomId == roomId)
            .OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Select(p => new ParticipantDto(p.Id, p.Name, p.JoinedAt))
            .ToArrayAsync(cancellationToken);
        return TypedResults.Ok(participants);
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> JoinAsync(
        string roomId, string participantId, JoinRoom join, ChatDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        string name = join.Name?.Trim() ?? "";
        if (!IsParticipantId(participantId) || name.Length is 0 or > 100)
        {
            return Invalid("participant", "The participant id must be 1–64 letters, digits, '-' or '_', and the name 1–100 characters.");
        }

        if (!await db.Rooms.AnyAsync(r => r.Id == roomId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        Participant? participant = await db.Participants.FindAsync([roomId, participantId], cancellationToken);
        if (participant is null)
        {
            db.Participants.Add(new Participant { RoomId = roomId, Id = participantId, Name = name, JoinedAt = clock.GetUtcNow() });
        }
        else
        {
            participant.Name = name;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.Database.IsRelational())
        {
            // The same tab joined twice at once: the other request added the row, so the participant is in the room.
        }

        return TypedResults.NoContent();
    }

    private static async Task<NoContent> LeaveAsync(string roomId, string participantId, ChatDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Participants.FindAsync([roomId, participantId], cancellationToken) is { } participant)
        {
            db.Participants.Remove(participant);
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static ValidationProblem Invalid(string field, string message)
        => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static bool IsParticipantId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A room id from its name: lower-case ASCII letters and digits, other runs of characters as one '-', at most 64 characters.</summary>
    private static string Slug(string name)
    {
        var slug = new StringBuilder(Math.Min(name.Length, 64));
        foreach (char c in name.ToLowerInvariant())
        {
            if (slug.Length == 64)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-');
    }
}
