namespace Signals.EntityFrameworkCore;

/// <summary>
/// The one row that identifies a deployment's version line: the epoch that every cursor the endpoints hand out carries, so that a
/// cursor from another database is told apart from one of this database (the client is reset instead of answered with numbers that
/// count other changes).
/// </summary>
/// <remarks>
/// Mapped by <c>modelBuilder.AddSignalsOutbox()</c> to <c>signals_deployment</c> (columns <c>id</c>, <c>epoch</c>, <c>created_at</c>).
/// The first dispatcher to start on a database writes it (64 random bits as 16 hexadecimal digits) and every instance reads it before
/// its first read of the outbox; it never changes after, so cursors survive restarts and moves between instances. A database restored
/// from a backup keeps its epoch with its versions.
/// </remarks>
public sealed class SignalDeploymentEntry
{
    /// <summary>The id of the one row: 1.</summary>
    public const int RowId = 1;

    /// <summary>The longest epoch the table holds: 32 characters.</summary>
    public const int EpochMaxLength = 32;

    /// <summary>Gets or sets the row's id, the primary key; always <see cref="RowId"/>.</summary>
    public int Id { get; set; } = RowId;

    /// <summary>Gets or sets the epoch: lowercase ASCII letters and digits, at most <see cref="EpochMaxLength"/>.</summary>
    public string Epoch { get; set; } = string.Empty;

    /// <summary>Gets or sets when the first dispatcher wrote the row (its clock).</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
