using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Signals.EntityFrameworkCore;

/// <summary>Finds the Signals tables in a context's model, with an error that says how to add them.</summary>
internal static class OutboxModel
{
    /// <summary>The name of the shadow property that maps a provider's transaction-id column (PostgreSQL's <c>xid</c>).</summary>
    public const string TransactionIdProperty = "TransactionId";

    /// <summary>The longest content hash the tables hold, in characters.</summary>
    public const int HashMaxLength = 64;

    /// <summary>Gets the entity type of <see cref="SignalOutboxEntry"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The entity type.</returns>
    /// <exception cref="InvalidOperationException">The model has no outbox.</exception>
    public static IEntityType GetEntityType(DbContext context) => GetEntityType(context, typeof(SignalOutboxEntry));

    /// <summary>Gets the entity type of one of the Signals entities.</summary>
    /// <param name="context">The context.</param>
    /// <param name="entityType">The CLR type: <see cref="SignalOutboxEntry"/>, <see cref="SignalStateEntry"/> or <see cref="SignalValueEntry"/>.</param>
    /// <returns>The entity type.</returns>
    /// <exception cref="InvalidOperationException">The model does not map it.</exception>
    public static IEntityType GetEntityType(DbContext context, Type entityType)
        => context.Model.FindEntityType(entityType) ?? throw NotMapped(context, entityType);

    /// <summary>Creates the error for a model that does not map one of the Signals entities: it says how to add them.</summary>
    /// <param name="context">The context.</param>
    /// <param name="entityType">The CLR type that is not mapped.</param>
    /// <returns>The exception, to throw.</returns>
    public static InvalidOperationException NotMapped(DbContext context, Type entityType)
        => new(
            $"The model of '{context.GetType().Name}' has no Signals outbox ({entityType.Name} is not mapped). Call " +
            $"'modelBuilder.AddSignalsOutbox()' in '{context.GetType().Name}.OnModelCreating' (and add a migration) so that signal " +
            "version bumps can be saved with the data.");
}
