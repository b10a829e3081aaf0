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

    private PostgreSqlOutboxProvider()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static PostgreSqlOutboxProvider Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "PostgreSQL";

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
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= ApplicationName;
        NpgsqlDataSource dataSource = builder.Build();
        bool listen = !options.UsePollingDispatcher;
        var source = new PostgresOutboxSource(dataSource, SignalsTables.FromModel(context), listen ? "PostgreSQL LISTEN/NOTIFY" : "PostgreSQL polling");
        if (!listen)
        {
            return new OutboxReader(source, []);
        }

        return new OutboxReader(
            source,
            [
                new PostgresNotificationListener(
                    connectionString, options.NotificationChannel, options.ListenerTimeout, settings.MaxRetryDelay, settings.Signaler, settings.Status, settings.Logger),
                new PostgresWakeupNotifier(dataSource, options.NotificationChannel, settings.Signaler.OpenWakeup(), settings.Logger),
            ]);
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
