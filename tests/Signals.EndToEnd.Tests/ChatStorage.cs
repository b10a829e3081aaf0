namespace Signals.EndToEnd.Tests;

/// <summary>Where an instance of the chat sample keeps its data: the command-line arguments that select it.</summary>
/// <param name="Args">The arguments.</param>
internal sealed record ChatStorage(string[] Args)
{
    /// <summary>PostgreSQL (<c>ConnectionStrings:Signals</c>).</summary>
    public static ChatStorage PostgreSql(string connectionString) => new(["--ConnectionStrings:Signals", connectionString]);

    /// <summary>A SQLite file (<c>ConnectionStrings:SignalsSqlite</c>).</summary>
    public static ChatStorage SqliteFile(string path) => new(["--ConnectionStrings:SignalsSqlite", $"Data Source={path}"]);

    /// <summary>No database configured, as <c>dotnet run</c> starts the sample: its default SQLite file in <paramref name="contentRoot"/>.</summary>
    public static ChatStorage Default(string contentRoot) => new(["--contentRoot", contentRoot]);
}
