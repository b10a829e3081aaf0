using System.Globalization;
using System.Text;
using Npgsql;

namespace Signals.Testing;

/// <summary>Creates and drops test databases on a server.</summary>
internal static class PostgresDatabases
{
    private static int _counter;

    /// <summary>Creates a database named after <paramref name="prefix"/> plus a unique suffix.</summary>
    /// <param name="serverConnectionString">A superuser connection string to any database of the server.</param>
    /// <param name="prefix">The readable prefix.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The database name and a connection string to it.</returns>
    public static async Task<(string Name, string ConnectionString)> CreateAsync(string serverConnectionString, string prefix, CancellationToken cancellationToken)
    {
        string name = UniqueName(prefix);
        await using (var connection = new NpgsqlConnection(serverConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name };
        return (name, builder.ConnectionString);
    }

    /// <summary>Drops a database, disconnecting its sessions.</summary>
    /// <param name="serverConnectionString">A superuser connection string to another database of the server.</param>
    /// <param name="name">The database.</param>
    /// <returns>A task that completes when the database is gone.</returns>
    public static async Task DropAsync(string serverConnectionString, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string UniqueName(string prefix)
    {
        var builder = new StringBuilder();
        foreach (char c in prefix.ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        string suffix = string.Create(
            CultureInfo.InvariantCulture,
            $"_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Random.Shared.Next(0x10000):x4}");
        string stem = builder.Length == 0 ? "db" : builder.ToString();
        return stem[..Math.Min(stem.Length, 63 - suffix.Length)] + suffix;
    }
}
