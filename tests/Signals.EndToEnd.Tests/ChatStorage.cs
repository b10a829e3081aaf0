namespace Signals.EndToEnd.Tests;

/// <summary>Where an instance of the chat sample keeps its data: the command-line arguments and environment variables that select it.</summary>
/// <param name="Args">The arguments.</param>
/// <param name="Environment">
/// Environment variables, for a <see cref="ChatProcess"/> only: an instance in the test process would read the test process's own.
/// </param>
internal sealed record ChatStorage(string[] Args, IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>PostgreSQL (<c>ConnectionStrings:Signals</c>).</summary>
    public static ChatStorage PostgreSql(string connectionString) => new(["--ConnectionStrings:Signals", connectionString]);

    /// <summary>A SQLite file (<c>ConnectionStrings:SignalsSqlite</c>).</summary>
    public static ChatStorage SqliteFile(string path) => new(["--ConnectionStrings:SignalsSqlite", $"Data Source={path}"]);

    /// <summary>
    /// PostgreSQL as the docs start the sample: <c>ConnectionStrings__Signals</c> in the environment, the content root in
    /// <paramref name="contentRoot"/> (where the SQLite default would put its file).
    /// </summary>
    public static ChatStorage PostgreSqlFromEnvironment(string connectionString, string contentRoot)
        => new(["--contentRoot", contentRoot], new Dictionary<string, string> { ["ConnectionStrings__Signals"] = connectionString });

    /// <summary>No database configured, as <c>dotnet run</c> starts the sample: its default SQLite file in <paramref name="contentRoot"/>.</summary>
    public static ChatStorage Default(string contentRoot) => new(["--contentRoot", contentRoot]);
}
