using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signals.Chaos.Tests.Model;
using Signals.EntityFrameworkCore;

namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// The database a chaos run shares between its instances: how an instance configures its context and Signals provider, and the test's
/// own access — schema, and the truth read back at the end. Its connections are never pooled across a server restart.
/// </summary>
internal abstract class ChaosDatabase
{
    /// <summary>Gets the name of the database kind, for the report.</summary>
    public abstract string Kind { get; }

    /// <summary>Configures an instance's context as an app on this database would (<c>UseNpgsql</c>, <c>UseSqlite</c>).</summary>
    /// <param name="options">The context options.</param>
    public abstract void ConfigureContext(DbContextOptionsBuilder options);

    /// <summary>Selects the database's Signals provider on an instance's outbox (<c>.UsePostgreSql()</c>, <c>.UseSqlite()</c>).</summary>
    /// <param name="outbox">The outbox builder.</param>
    public abstract void UseProvider(ISignalsOutboxBuilder outbox);

    /// <summary>Tells whether both instances are connected to their wake-ups, after a fault or a restart.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when both are (always, on a database without wake-ups).</returns>
    public virtual Task<bool> InstancesConnectedAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Creates the schema, with Signals' provider as the app has it (so anything Signals adds to the model is created too).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the tables exist.</returns>
    public async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        await db.Database.EnsureCreatedAsync(cancellationToken);
    }

    /// <summary>Reads every committed outbox row.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rows' keys by id (version).</returns>
    public async Task<Dictionary<long, string>> ReadOutboxAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        return await db.Outbox.AsNoTracking().ToDictionaryAsync(static e => e.Id, static e => e.Key, cancellationToken);
    }

    /// <summary>Reads the ids of the outbox rows a dispatcher wrote to announce a key again (<c>reannounced_id</c> set).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids.</returns>
    public async Task<HashSet<long>> ReadReannouncementIdsAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        return [.. await db.Outbox.AsNoTracking().Where(static e => e.ReannouncedId != null).Select(static e => e.Id).ToListAsync(cancellationToken)];
    }

    /// <summary>Reads each key's last committed version: the highest id among its outbox rows.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The version per key that changed.</returns>
    public async Task<Dictionary<string, long>> ReadLastCommittedAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        return await db.Outbox.GroupBy(static e => e.Key).Select(static g => new { g.Key, Version = g.Max(static e => e.Id) })
            .ToDictionaryAsync(static p => p.Key, static p => p.Version, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>Reads the ids of every committed note.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids.</returns>
    public async Task<HashSet<Guid>> ReadNoteIdsAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        return
        [
            .. await db.Notes.AsNoTracking().Select(static n => n.Id).ToListAsync(cancellationToken),
            .. await db.RawNotes.AsNoTracking().Select(static n => n.Id).ToListAsync(cancellationToken),
            .. CapturesByReplication ? await db.ReplicatedNotes.AsNoTracking().Select(static n => n.Id).ToListAsync(cancellationToken) : [],
        ];
    }

    /// <summary>
    /// Gets a value indicating whether the model has the replicated notes' table, captured by logical replication (PostgreSQL): the run
    /// then has a replicated writer, whose keys an instance's replication consumer writes into the outbox after the commits.
    /// </summary>
    public virtual bool CapturesByReplication => false;

    /// <summary>
    /// Gets a value indicating whether the captured table's triggers write one outbox row per key and transaction (PostgreSQL's
    /// statement triggers skip a key the transaction already bumped) rather than one per row and key (SQLite's row triggers).
    /// </summary>
    public abstract bool CaptureBumpsOncePerTransaction { get; }

    /// <summary>Creates a connection of the provider's own ADO.NET client (not EF Core), not yet open, for the raw-SQL writer.</summary>
    /// <returns>The connection.</returns>
    public abstract DbConnection CreateRawConnection();

    /// <summary>Gets the value a raw command binds for a <see cref="Guid"/> column, stored as EF Core stores it.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The parameter value.</returns>
    public abstract object RawGuid(Guid id);

    /// <summary>Creates a context of the test's own, with Signals' provider as the app has it.</summary>
    /// <returns>The context.</returns>
    protected abstract ChaosDbContext CreateContext();
}
