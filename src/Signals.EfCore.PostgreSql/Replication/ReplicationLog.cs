using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>Log messages of capture by logical replication (event ids 128-135 of the dispatchers' 100-199).</summary>
internal static partial class ReplicationLog
{
    [LoggerMessage(128, LogLevel.Information, "Reading the captured tables' changes from PostgreSQL replication slot '{Slot}' (publication '{Publication}').")]
    public static partial void Consuming(ILogger logger, string slot, string publication);

    [LoggerMessage(129, LogLevel.Information, "PostgreSQL replication slot '{Slot}' is read by another instance; this one takes over if it stops (next try in {Delay}).")]
    public static partial void Standby(ILogger logger, string slot, TimeSpan delay);

    [LoggerMessage(130, LogLevel.Warning, "Reading PostgreSQL replication slot '{Slot}' failed; trying again in {Delay}. The slot keeps every change meanwhile.")]
    public static partial void Failed(ILogger logger, string slot, TimeSpan delay, Exception exception);

    [LoggerMessage(131, LogLevel.Error, "A row written to '{Table}' outside SaveChanges gives a key Signals cannot write ({Reason}); its keys are skipped.")]
    public static partial void RowSkipped(ILogger logger, string table, string reason);

    [LoggerMessage(132, LogLevel.Warning, "PostgreSQL sent a change to '{Table}' without its old row (REPLICA IDENTITY is not FULL): a move of its rows bumps the new keys only. Add a migration, which sets it.")]
    public static partial void NoOldRow(ILogger logger, string table);

    [LoggerMessage(133, LogLevel.Information, "Created PostgreSQL replication slot '{Slot}': changes to the captured tables are kept from now on.")]
    public static partial void SlotCreated(ILogger logger, string slot);

    [LoggerMessage(134, LogLevel.Debug, "Wrote the keys of {Rows} captured rows ({Commits} commits) into the outbox in {Milliseconds} ms.")]
    public static partial void Wrote(ILogger logger, int rows, int commits, long milliseconds);

    [LoggerMessage(135, LogLevel.Error, "Changes to '{Table}' are skipped: the table has no column '{Column}', which the model maps to {Property} and its capture reads (renamed or dropped outside a migration?). Add a migration, or restore the column.")]
    public static partial void ColumnMissing(ILogger logger, string table, string column, string property);
}
