namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>The Signals schema for teams that manage their database schema by hand instead of with EF Core migrations.</summary>
public static class SignalsSchema
{
    private static readonly Lazy<string> Script = new(static () =>
    {
        using Stream stream = typeof(SignalsSchema).Assembly.GetManifestResourceStream("Signals.EntityFrameworkCore.PostgreSql.Schema.signals-postgresql.sql")
            ?? throw new InvalidOperationException("The Signals schema script is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// Gets the idempotent PostgreSQL script (<c>Schema/signals-postgresql.sql</c> in the package source) that creates the tables
    /// <c>modelBuilder.AddSignalsOutbox()</c> maps, with what <c>UsePostgreSql()</c> adds to them, under their default names
    /// (<see cref="SignalsTableNames"/>) in the connection's default schema: <c>signals_outbox</c> (with its id sequence and
    /// transaction-id index), <c>signals_state</c>, <c>signals_values</c>, <c>signals_instances</c> and <c>signals_deployment</c>.
    /// </summary>
    /// <remarks>
    /// Every statement is <c>IF NOT EXISTS</c>, so running it again changes nothing; it creates exactly what EF Core migrations create
    /// for the same model, so a database can move from one to the other. Run it with any client, e.g.
    /// <c>await context.Database.ExecuteSqlRawAsync(SignalsSchema.PostgreSqlScript)</c> or <c>psql -f signals-postgresql.sql</c>.
    /// </remarks>
    public static string PostgreSqlScript => Script.Value;
}
