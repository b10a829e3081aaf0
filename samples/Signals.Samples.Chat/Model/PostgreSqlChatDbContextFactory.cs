using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Signals.Samples.Chat.Model;

/// <summary>
/// Builds <see cref="PostgreSqlChatDbContext"/> for <c>dotnet ef</c> (migrations), with Signals on PostgreSQL as the app has it, so
/// migrations see the PostgreSQL parts Signals adds to the model (the <c>xid</c> columns, the id sequence). Nothing is opened.
/// </summary>
public sealed class PostgreSqlChatDbContextFactory : IDesignTimeDbContextFactory<PostgreSqlChatDbContext>
{
    /// <inheritdoc/>
    public PostgreSqlChatDbContext CreateDbContext(string[] args)
        => new(new DbContextOptionsBuilder<PostgreSqlChatDbContext>().UseNpgsql("Host=localhost;Database=signals_chat").UseSignals(s => s.UsePostgreSql()).Options);
}
