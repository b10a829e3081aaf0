namespace Signals.EntityFrameworkCore;

/// <summary>One outbox row (or compacted state row) as a dispatcher reads it.</summary>
/// <param name="Id">The row's id: the version it records.</param>
/// <param name="Key">The key, as stored.</param>
/// <param name="CreatedAt">When the change was staged.</param>
/// <param name="Hash">The content hash recorded with the change, or <see langword="null"/>.</param>
/// <param name="Kind">What the row stands for.</param>
internal readonly record struct OutboxRow(long Id, string Key, DateTimeOffset CreatedAt, string? Hash, OutboxRowKind Kind);
