using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore.Sqlite;

/// <summary>
/// The SQLite <see cref="OutboxProvider"/>: the neutral parts where they are correct as they are (tracked outbox rows, LINQ reads,
/// <see cref="RelationalValueCommands"/>), and what only holds on SQLite — a missing outbox id never fills, so the polling source waits
/// for none; value writes of one database queue in process; SQLite's errors for a missing table or column; and rows written now
/// (<c>InvalidateSignals</c>) read their ids back with <c>RETURNING</c>, so a computed key moves once per EF Core transaction
/// (<see cref="TransactionComputedKeys"/>).
/// </summary>
/// <remarks>
/// <para>
/// Why a gap never fills: SQLite lets one connection write at a time (the database's write lock, held from a transaction's first write —
/// or from <c>BEGIN IMMEDIATE</c>, EF Core's default — until it ends), and an <c>AUTOINCREMENT</c> id is drawn inside that turn, as one
/// more than the largest id ever used (<c>sqlite_sequence</c>, which a rollback restores). So the writer that drew id <c>g</c> ended
/// before the writer that drew any higher id <c>h</c> began writing, and a read that sees <c>h</c> (a snapshot taken after <c>h</c>'s
/// commit, in WAL or rollback-journal mode alike) sees <c>g</c> committed, or never will: a rollback hands <c>g</c> to the next writer,
/// and a deleted row's id is never drawn again. <c>AUTOINCREMENT</c> matters: without it SQLite reuses the largest id after that row is
/// deleted (retention can delete the newest rows of a quiet outbox), and a new change would get a version a dispatcher has passed. EF
/// Core maps the outbox's <see cref="long"/> key that way (<c>INTEGER PRIMARY KEY AUTOINCREMENT</c>); a hand-written schema must too.
/// </para>
/// <para>
/// It also does not hold across machines: SQLite's locks need a local file system (not a network share), so instances sharing a file
/// run on one host.
/// </para>
/// </remarks>
internal sealed class SqliteOutboxProvider : OutboxProvider
{
    /// <summary>SQLite's primary result code for a failed statement, which it uses for "no such table" and "no such column".</summary>
    private const int SqliteError = 1;

    private readonly ConcurrentDictionary<string, RelationalValueCommands> _valueCommands = new(StringComparer.Ordinal);

    private SqliteOutboxProvider()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static SqliteOutboxProvider Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "SQLite";

    /// <inheritdoc/>
    public override bool InsertsOnConflictDoNothing => true;

    /// <inheritdoc/>
    public override void ApplyServices(IServiceCollection services) => TrackedOutboxAppender.AddTo(services, this);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The context is not on SQLite (Microsoft.EntityFrameworkCore.Sqlite).</exception>
    public override OutboxReader OpenReader(DbContext context, OutboxReaderSettings settings)
    {
        if (!context.Database.IsSqlite())
        {
            throw new InvalidOperationException(
                $"The Signals outbox of '{settings.ContextType.Name}' uses SQLite (UseSqlite()), but the context's provider is " +
                $"'{context.Database.ProviderName}'. Configure the context with UseSqlite(…), or remove the Signals UseSqlite().");
        }

        return new OutboxReader(
            new EfCoreOutboxSource(settings.LeaseContextAsync, settings.BatchSize, EfCoreOutboxSource.GapsNeverFill, settings.Time, "SQLite polling"),
            []);
    }

    /// <inheritdoc/>
    public override CaptureDialect Capture => SqliteCaptureDialect.Instance;

    /// <inheritdoc/>
    /// <remarks>The neutral insert with <c>RETURNING</c> (<see cref="SqliteReturningInsert"/>).</remarks>
    protected override async ValueTask<IReadOnlyList<(long Id, string Key)>?> InsertReadingIdsAsync(
        DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
        => await SqliteReturningInsert.ExecuteAsync(context, keys, async, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>Lock files beside the database file (<see cref="FileProducerLocks"/>); none for an in-memory database, which one process alone sees.</remarks>
    public override ProducerLocks? OpenProducerLocks(DbContext context, ILogger logger)
        => DatabaseOf(context) is var database && Path.IsPathFullyQualified(database) ? new FileProducerLocks(database + ".producers") : null;

    /// <inheritdoc/>
    /// <remarks>One set of commands per database file, each with its own in-process queue of writers (see <see cref="RelationalValueCommands"/>).</remarks>
    public override IValueCommands GetValueCommands(DbContext context)
        => _valueCommands.GetOrAdd(DatabaseOf(context), static _ => new RelationalValueCommands(new SemaphoreSlim(1, 1)));

    /// <inheritdoc/>
    /// <remarks>SQLite's <c>SQLITE_ERROR</c> with "no such table" or "no such column" (a schema created for an older model).</remarks>
    public override bool IsMissingSchema(Exception exception)
        => Chain(exception).OfType<SqliteException>().Any(static e => e.SqliteErrorCode == SqliteError
            && (e.Message.Contains("no such table", StringComparison.Ordinal) || e.Message.Contains("no such column", StringComparison.Ordinal)));

    /// <summary>Names a context's database: the full path of its file, or the connection string of an in-memory database.</summary>
    private static string DatabaseOf(DbContext context)
    {
        string connectionString = context.Database.GetConnectionString() ?? context.Database.GetDbConnection().ConnectionString;
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:"
            ? connectionString
            : Path.GetFullPath(builder.DataSource);
    }
}
