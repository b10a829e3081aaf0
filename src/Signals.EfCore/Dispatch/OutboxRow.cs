namespace Signals.EntityFrameworkCore;

/// <summary>One outbox row as a dispatcher reads it.</summary>
/// <param name="Id">The row's id: the version it records.</param>
/// <param name="Key">The key, as stored.</param>
/// <param name="CreatedAt">When the change was staged.</param>
internal readonly record struct OutboxRow(long Id, string Key, DateTimeOffset CreatedAt);
