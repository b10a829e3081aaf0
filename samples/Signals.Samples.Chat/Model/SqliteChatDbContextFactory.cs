using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Signals.Samples.Chat.Model;

/// <summary>
/// Builds <see cref="SqliteChatDbContext"/> for <c>dotnet ef</c> (migrations), with Signals on SQLite as the app has it, so migrations
/// see everything Signals adds to the model. Nothing is opened: generating a migration needs only the model.
/// </summary>
public sealed class SqliteChatDbContextFactory : IDesignTimeDbContextFactory<SqliteChatDbContext>
{
    /// <inheritdoc/>
    public SqliteChatDbContext CreateDbContext(string[] args)
        => new(new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite(ChatApp.DefaultSqliteConnectionString).UseSignals(s => s.UseSqlite()).Options);
}
