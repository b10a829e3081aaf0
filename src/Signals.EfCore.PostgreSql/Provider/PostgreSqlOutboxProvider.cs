using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// The PostgreSQL <see cref="OutboxProvider"/>: outbox rows in the save's own command (<see cref="PostgresCommandAppender"/>), the
/// model's PostgreSQL parts (<see cref="PostgreSqlOutboxConvention"/>), reads by transaction id (<see cref="PostgresOutboxSource"/>),
/// <c>LISTEN/NOTIFY</c> wake-ups (<see cref="PostgresNotificationListener"/>, <see cref="PostgresWakeupNotifier"/>) and <c>jsonb</c>
/// values (<see cref="PostgresValueCommands"/>).
/// </summary>
internal sealed class PostgreSqlOutboxProvider : OutboxProvider
{
    /// <summary>The <c>application_name</c> of the dispatcher's pooled connections unless the connection string sets one.</summary>
    public const string ApplicationName = "Signals dispatcher";

    /// <summary>How many statements the dispatcher's connections prepare: those of a read, the notification, cleanup, with room to spare.</summary>
    private const int DispatcherStatements = 16;

    private PostgreSqlOutboxProvider()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static PostgreSqlOutboxProvider Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "PostgreSQL";

    /// <inheritdoc/>
    public override bool InsertsOnConflictDoNothing => true;

    /// <inheritdoc/>
    /// <remarks>The neutral query's rows, read by one Npgsql command without EF Core's query pipeline (<see cref="PostgresVersionQuery"/>).</remarks>
    public override Task<IReadOnlyList<SignalVersion>> ReadVersionsAsync(DbContext context, IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken)
        => PostgresVersionQuery.ReadAsync(context, keys, cancellationToken);

    /// <inheritdoc/>
    public override void ApplyServices(IServiceCollection services)
    {
        services.TryAddScoped<PostgresCommandAppender>();
        services.TryAddScoped<IOutboxAppender>(static sp => sp.GetRequiredService<PostgresCommandAppender>());
        new EntityFrameworkServicesBuilder(services)
            .TryAdd(typeof(IInterceptor), typeof(PostgresCommandAppender), static sp => sp.GetRequiredService<PostgresCommandAppender>())
            .TryAdd<IConventionSetPlugin, PostgreSqlOutboxConventionSetPlugin>();
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The context is not on PostgreSQL (Npgsql), or has no connection string.</exception>
    public override OutboxReader OpenReader(DbContext context, OutboxReaderSettings settings)
    {
        if (!context.Database.IsNpgsql())
        {
            throw new InvalidOperationException(
                $"The Signals outbox of '{settings.ContextType.Name}' uses PostgreSQL (UsePostgreSql()), but the context's provider is " +
                $"'{context.Database.ProviderName}'. Configure the context with UseNpgsql(), or remove UsePostgreSql().");
        }

        string connectionString = context.Database.GetConnectionString() ?? context.Database.GetDbConnection().ConnectionString;
        if (string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException(
                $"The Signals PostgreSQL dispatcher needs the connection string of '{settings.ContextType.Name}', but the context has none.");
        }

        SignalsPostgreSqlOptions options = settings.Services.GetRequiredService<IOptionsMonitor<SignalsPostgreSqlOptions>>().Get(settings.OptionsName);
        NpgsqlDataSource dataSource = CreateDataSource(connectionString);
        bool listen = !options.UsePollingDispatcher;
        var source = new PostgresOutboxSource(dataSource, SignalsTables.FromModel(context), listen ? "PostgreSQL LISTEN/NOTIFY" : "PostgreSQL polling");
        CapturedTable[] replicated = [.. CapturedTables.Of(context.Model).Values.Where(static t => t.Publication is not null)];
        ReplicationConsumer? capture = replicated.Length == 0
            ? null
            : new ReplicationConsumer(
                connectionString,
                dataSource,
                replicated,
                settings.Signaler,
                settings.Status.AddWakeup("replication", $"logical replication capture (publication '{replicated[0].Publication}')", required: true),
                options.ListenerTimeout,
                options.ReplicationBatchDelay,
                settings.MaxRetryDelay,
                settings.Logger);
        if (!listen)
        {
            return new OutboxReader(source, [], capture);
        }

        var presence = new ListenerPresence(options.ListenerTimeout, TimeProvider.System);
        return new OutboxReader(
            source,
            [
                new PostgresNotificationListener(
                    connectionString,
                    options.NotificationChannel,
                    options.ListenerTimeout,
                    settings.MaxRetryDelay,
                    settings.Signaler,
                    presence,
                    settings.Status,
                    settings.Logger),
                new PostgresWakeupNotifier(
                    dataSource, options.NotificationChannel, settings.Signaler.OpenWakeup(), options.NotifyWithoutPeers ? null : presence, settings.Logger),
            ],
            capture);
    }

    /// <summary>
    /// The dispatcher's own pooled data source (reads, <c>pg_notify</c>, cleanup), named <see cref="ApplicationName"/> unless the
    /// connection string names it. Its connections keep no session state between uses (no <c>SET</c>, no temporary tables, only
    /// transaction-level advisory locks), so they are not reset when returned to the pool (<c>No Reset On Close</c>: no
    /// <c>DISCARD ALL</c> before each read), and its few statements, run on every read, are prepared once per connection
    /// (<c>Max Auto Prepare</c>) instead of parsed every time. Settings of the connection string win: behind PgBouncer older than 1.21 in
    /// transaction mode (no prepared statements), set <c>Max Auto Prepare=0</c>.
    /// </summary>
    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        NpgsqlConnectionStringBuilder settings = builder.ConnectionStringBuilder;

        // NpgsqlConnectionStringBuilder.ContainsKey is true for every keyword it knows; its canonical string holds only those set.
        var set = new DbConnectionStringBuilder { ConnectionString = settings.ConnectionString };
        settings.ApplicationName ??= ApplicationName;
        if (!set.ContainsKey("No Reset On Close"))
        {
            settings.NoResetOnClose = true;
        }

        if (!set.ContainsKey("Max Auto Prepare"))
        {
            settings.MaxAutoPrepare = DispatcherStatements;
        }

        return builder.Build();
    }

    /// <inheritdoc/>
    /// <remarks>Session-level advisory locks on a dedicated connection (<see cref="PostgresProducerLocks"/>).</remarks>
    /// <exception cref="InvalidOperationException">The context has no connection string.</exception>
    public override ProducerLocks? OpenProducerLocks(DbContext context, ILogger logger)
    {
        string connectionString = context.Database.GetConnectionString() ?? context.Database.GetDbConnection().ConnectionString;
        if (string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException($"The Signals producer locks need the connection string of '{context.GetType().Name}', but the context has none.");
        }

        return new PostgresProducerLocks(connectionString, logger);
    }

    /// <inheritdoc/>
    public override IValueCommands GetValueCommands(DbContext context) => PostgresValueCommands.For(context);

    /// <inheritdoc/>
    /// <remarks>
    /// Keys that include a computed signal's are one statement that moves each computed key at most once per transaction
    /// (<see cref="ComputedKeyDedupe"/>, decided in SQL: nothing is remembered in memory); others the neutral statements.
    /// </remarks>
    public override ValueTask WriteNowAsync(DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
        => OutboxInsertStatements.ExecuteAsync(context, ComputedKeyDedupe.BuildInsert(context, keys), async, cancellationToken);

    /// <inheritdoc/>
    public override CaptureDialect Capture => PostgresCaptureDialect.Instance;

    /// <inheritdoc/>
    /// <remarks>
    /// PostgreSQL's SQLSTATE <c>42P01</c> (undefined_table: a table or the id sequence), <c>42703</c> (undefined_column: e.g. no
    /// <c>xid</c> column, a schema created for another provider) and <c>3F000</c> (invalid_schema_name).
    /// </remarks>
    public override bool IsMissingSchema(Exception exception)
        => Chain(exception).OfType<PostgresException>().Any(static e => e.SqlState
            is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.InvalidSchemaName);

    /// <inheritdoc/>
    public override string SchemaFixes
        => base.SchemaFixes + ", or run SignalsSchema.PostgreSqlScript (using Signals.EntityFrameworkCore.PostgreSql;) against the database";
}
