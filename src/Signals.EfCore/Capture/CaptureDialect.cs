using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// A provider's capture triggers: which columns it can format exactly as the generated key factories do, the SQL that creates and drops
/// a table's triggers (idempotent), and how it reads back what a database has installed. Supplied by <see cref="OutboxProvider.Capture"/>.
/// </summary>
internal abstract class CaptureDialect
{
    /// <summary>Gets the provider's name, for messages.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Gets the revision of the provider's trigger layout, or <see langword="null"/> for its first. Stored in every
    /// <see cref="CapturedTable"/> it describes: a new revision gives existing models pending changes, whose migration replaces the
    /// triggers, and makes the start-up check report triggers of an earlier layout.
    /// </summary>
    public virtual int? Revision => null;

    /// <summary>
    /// Gets the publication of the tables an outbox captures by <see cref="SignalCaptureMechanism.LogicalReplication"/>, or
    /// <see langword="null"/> when the provider has no logical replication (the model then refuses that mechanism).
    /// </summary>
    /// <param name="outbox">The outbox table.</param>
    /// <returns>The publication's name, or <see langword="null"/>.</returns>
    public virtual string? PublicationFor(string outbox) => null;

    /// <summary>
    /// Checks what the server itself must provide for the captures the model describes (PostgreSQL: <c>wal_level = logical</c> for
    /// logical replication), before the tables are compared.
    /// </summary>
    /// <param name="context">A context on the database.</param>
    /// <param name="tables">The model's captures.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>What is missing, as a clause for <see cref="SignalCaptureMismatchException"/>'s message, or <see langword="null"/>.</returns>
    public virtual Task<string?> CheckServerAsync(DbContext context, IReadOnlyCollection<CapturedTable> tables, CancellationToken cancellationToken)
        => Task.FromResult<string?>(null);

    /// <summary>Tells why a column cannot be formatted in SQL exactly as the key factory formats its property, or <see langword="null"/> when it can.</summary>
    /// <param name="format">The argument's form.</param>
    /// <param name="property">The entity property.</param>
    /// <param name="mapping">The property's type mapping (store type, converter).</param>
    /// <returns>The reason (completing "… cannot be captured on {Name}: "), or <see langword="null"/>.</returns>
    public abstract string? Unsupported(CaptureFormat format, IReadOnlyProperty property, CoreTypeMapping mapping);

    /// <summary>Gets the statements that create (or replace) the capture of a table, each one command, idempotent.</summary>
    /// <param name="table">The capture.</param>
    /// <returns>The statements.</returns>
    public abstract IReadOnlyList<string> CreateStatements(CapturedTable table);

    /// <summary>
    /// Gets the statements that must run outside the migration's transaction after the captures of <paramref name="tables"/> were created
    /// (PostgreSQL: the replication slot of a publication, which a transaction that has written cannot create), idempotent.
    /// </summary>
    /// <param name="tables">The captures the migration creates.</param>
    /// <returns>The statements; none by default.</returns>
    public virtual IReadOnlyList<string> CreateOutsideTransaction(IReadOnlyCollection<CapturedTable> tables) => [];

    /// <summary>Gets the statements that drop the capture of a table, each one command, idempotent (nothing to drop is fine).</summary>
    /// <param name="table">The capture as it was installed.</param>
    /// <returns>The statements.</returns>
    public abstract IReadOnlyList<string> DropStatements(CapturedTable table);

    /// <summary>Reads what the database has installed for a table: the description its triggers carry, and the table's columns.</summary>
    /// <param name="context">A context on the database.</param>
    /// <param name="table">The capture the model expects.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The installed description (<see langword="null"/> when the table has no capture triggers) and the table's column names.</returns>
    public abstract Task<(CapturedTable? Installed, IReadOnlyCollection<string> Columns)> ReadInstalledAsync(
        DbContext context, CapturedTable table, CancellationToken cancellationToken);
}
