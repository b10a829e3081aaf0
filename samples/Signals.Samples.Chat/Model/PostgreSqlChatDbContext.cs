using Microsoft.EntityFrameworkCore;

namespace Signals.Samples.Chat.Model;

/// <summary>The chat's context on PostgreSQL (<c>ConnectionStrings:Signals</c>). Its migrations are in <c>Migrations/PostgreSql</c>.</summary>
/// <param name="options">The context options (<c>UseNpgsql(…)</c>).</param>
public sealed class PostgreSqlChatDbContext(DbContextOptions<PostgreSqlChatDbContext> options) : ChatDbContext(options);
