using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signals.Chaos.Tests.Model;
using Signals.EntityFrameworkCore;

namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// A SQLite file in a temporary directory of its own, removed on disposal: instances use <c>UseSqlite</c> and <c>UseSqlite()</c> and
/// see each other's changes through their polling dispatchers.
/// </summary>
internal sealed class SqliteChaosDatabase : ChaosDatabase, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "signals-chaos", Guid.NewGuid().ToString("N"));
    private readonly string _connectionString;

    /// <summary>Initializes a new instance: the directory; the file comes with the schema (<see cref="ChaosDatabase.CreateSchemaAsync"/>).</summary>
    public SqliteChaosDatabase()
    {
        Directory.CreateDirectory(_directory);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "chaos.db") }.ToString();
    }

    /// <inheritdoc/>
    public override string Kind => "SQLite";

    /// <inheritdoc/>
    public override void ConfigureContext(DbContextOptionsBuilder options) => options.UseSqlite(_connectionString);

    /// <inheritdoc/>
    public override void UseProvider(ISignalsOutboxBuilder outbox) => outbox.UseSqlite();

    /// <inheritdoc/>
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    /// <inheritdoc/>
    public override bool CaptureBumpsOncePerTransaction => false;

    /// <inheritdoc/>
    public override DbConnection CreateRawConnection() => new SqliteConnection(_connectionString);

    /// <inheritdoc/>
    /// <remarks>EF Core stores a <see cref="Guid"/> as upper-case text on SQLite; Microsoft.Data.Sqlite would bind a blob.</remarks>
    public override object RawGuid(Guid id) => id.ToString().ToUpperInvariant();

    /// <inheritdoc/>
    protected override ChaosDbContext CreateContext()
        => new(new DbContextOptionsBuilder<ChaosDbContext>().UseSqlite(_connectionString).UseSignals(s => s.UseSqlite()).Options);
}
