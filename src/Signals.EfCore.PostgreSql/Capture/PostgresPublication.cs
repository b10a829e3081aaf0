using System.Security.Cryptography;
using System.Text;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// What capture by logical replication installs in a database (<see cref="SignalCaptureMechanism.LogicalReplication"/>): each captured
/// table with <c>REPLICA IDENTITY FULL</c> (an update or a delete then carries the old row, whose keys a move must bump too) in the
/// publication of its outbox, <c>{outbox}_capture</c>, which publishes inserts, updates and deletes (not <c>TRUNCATE</c>, which the
/// triggers do not capture either). The consumer's replication slot, one per database and publication (<see cref="SlotName"/>), is created
/// by the migration (<see cref="CreateSlot"/>; else by the first dispatcher that finds none), and dropped by the migration that takes the
/// publication's last table out.
/// </summary>
/// <remarks>https://www.postgresql.org/docs/current/sql-createpublication.html, https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-REPLICA-IDENTITY.</remarks>
internal static class PostgresPublication
{
    /// <summary>The prefix of every Signals replication slot.</summary>
    private const string SlotPrefix = "signals_";

    /// <summary>How many hexadecimal digits of the MD5 name a slot.</summary>
    private const int SlotDigits = 20;

    /// <summary>The publication of an outbox's captured tables.</summary>
    /// <param name="outbox">The outbox table.</param>
    /// <returns><c>{outbox}_capture</c>.</returns>
    /// <exception cref="InvalidOperationException">The name would be over PostgreSQL's 63 bytes, which it truncates.</exception>
    public static string For(string outbox)
    {
        string publication = outbox + "_capture";
        return Encoding.UTF8.GetByteCount(publication) <= 63
            ? publication
            : throw new InvalidOperationException($"The publication of the outbox table '{outbox}', '{publication}', is longer than PostgreSQL's 63 bytes: give the outbox a shorter table name to capture by logical replication.");
    }

    /// <summary>
    /// The replication slot of a publication in a database: <c>signals_</c> and the first 20 hexadecimal digits of the MD5 of
    /// <c>{database}.{publication}</c>. Slots belong to the whole server, so the name tells apart databases (and outboxes) sharing one;
    /// the migration that drops the publication computes the same name in SQL (<see cref="SlotNameSql"/>).
    /// </summary>
    /// <param name="database">The database's name.</param>
    /// <param name="publication">The publication.</param>
    /// <returns>The slot's name: lower-case letters, digits and underscores, 28 characters.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "A name, not security: PostgreSQL's md5() computes the same one in SQL.")]
    public static string SlotName(string database, string publication)
        => SlotPrefix + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{database}.{publication}")))[..SlotDigits];

    /// <summary>Gets the statements that capture a table, each one command, idempotent.</summary>
    /// <param name="table">The capture (its <see cref="CapturedTable.Publication"/> set).</param>
    /// <returns>The statements.</returns>
    public static IEnumerable<string> CreateStatements(CapturedTable table)
    {
        string target = PostgresCaptureDialect.Qualified(table.Schema, table.Table);
        string publication = table.Publication!;
        yield return $"ALTER TABLE {target} REPLICA IDENTITY FULL";
        yield return $"""
            DO $signals$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = {PostgresCaptureDialect.Literal(publication)}) THEN
                    CREATE PUBLICATION {PostgresCaptureDialect.Quote(publication)} WITH (publish = 'insert, update, delete');
                END IF;
                IF NOT {IsMember(publication, target)} THEN
                    ALTER PUBLICATION {PostgresCaptureDialect.Quote(publication)} ADD TABLE {target};
                END IF;
            END
            $signals$
            """;
    }

    /// <summary>
    /// Gets the statement that creates a publication's replication slot unless it exists: run outside a transaction (PostgreSQL cannot
    /// create a logical slot in a transaction that has written), by the migration that captures the publication's tables, so that the
    /// slot keeps every change from then on, before any dispatcher reads it. Creating a slot waits for the transactions running on the
    /// server to end (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-REPLICATION).
    /// </summary>
    /// <param name="publication">The publication.</param>
    /// <returns>The statement.</returns>
    public static string CreateSlot(string publication)
        => $"""
            SELECT pg_create_logical_replication_slot(s.name, 'pgoutput')
            FROM (SELECT {SlotNameSql(publication)} AS name) AS s
            WHERE NOT EXISTS (SELECT FROM pg_replication_slots r WHERE r.slot_name = s.name)
            """;

    /// <summary>
    /// Gets the statements that end a table's capture, idempotent: out of the publication, back to the default replica identity; and
    /// when the publication is left empty, the publication and its slot dropped (a slot nobody reads keeps the server's WAL for ever).
    /// </summary>
    /// <param name="table">The capture as it was installed.</param>
    /// <returns>The statements.</returns>
    public static IEnumerable<string> DropStatements(CapturedTable table)
    {
        string target = PostgresCaptureDialect.Qualified(table.Schema, table.Table);
        string publication = table.Publication!;
        yield return $"""
            DO $signals$
            BEGIN
                IF to_regclass({PostgresCaptureDialect.Literal(target)}) IS NOT NULL THEN
                    IF {IsMember(publication, target)} THEN
                        ALTER PUBLICATION {PostgresCaptureDialect.Quote(publication)} DROP TABLE {target};
                    END IF;
                    ALTER TABLE {target} REPLICA IDENTITY DEFAULT;
                END IF;
                IF EXISTS (SELECT FROM pg_publication p WHERE p.pubname = {PostgresCaptureDialect.Literal(publication)}
                           AND NOT EXISTS (SELECT FROM pg_publication_rel r WHERE r.prpubid = p.oid)) THEN
                    DROP PUBLICATION {PostgresCaptureDialect.Quote(publication)};
                    PERFORM pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                    WHERE slot_name = {SlotNameSql(publication)} AND NOT active;
                END IF;
            END
            $signals$
            """;
    }

    /// <summary>The query of the server's <c>wal_level</c>, which logical decoding needs to be <c>logical</c> (one column, <c>Value</c>, as EF Core's <c>SqlQueryRaw</c> reads a scalar).</summary>
    public const string WalLevelQuery = "SELECT current_setting('wal_level') AS \"Value\"";

    /// <summary><see cref="SlotName"/> in SQL, for the database the statement runs in.</summary>
    /// <param name="publication">The publication.</param>
    /// <returns>The SQL expression.</returns>
    private static string SlotNameSql(string publication)
        => $"'{SlotPrefix}' || left(md5(current_database() || '.' || {PostgresCaptureDialect.Literal(publication)}), {SlotDigits})";

    /// <summary>The SQL condition that a table is in a publication.</summary>
    private static string IsMember(string publication, string target)
        => $"EXISTS (SELECT FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid WHERE p.pubname = {PostgresCaptureDialect.Literal(publication)} AND r.prrelid = {PostgresCaptureDialect.Literal(target)}::regclass)";
}
