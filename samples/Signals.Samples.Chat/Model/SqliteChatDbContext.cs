using Microsoft.EntityFrameworkCore;

namespace Signals.Samples.Chat.Model;

/// <summary>The chat's context on SQLite: the sample's default (a file, nothing to set up). Its migrations are in <c>Migrations/Sqlite</c>.</summary>
/// <param name="options">The context options (<c>UseSqlite(…)</c>).</param>
public sealed class SqliteChatDbContext(DbContextOptions<SqliteChatDbContext> options) : ChatDbContext(options);
