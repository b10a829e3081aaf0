using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Signals.EntityFrameworkCore;

/// <summary>Finds the outbox in a context's model, with an error that says how to add it.</summary>
internal static class OutboxModel
{
    /// <summary>Gets the entity type of <see cref="SignalOutboxEntry"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The entity type.</returns>
    /// <exception cref="InvalidOperationException">The model has no outbox.</exception>
    public static IEntityType GetEntityType(DbContext context)
        => context.Model.FindEntityType(typeof(SignalOutboxEntry))
           ?? throw new InvalidOperationException(
               $"The model of '{context.GetType().Name}' has no Signals outbox. Call 'modelBuilder.AddSignalsOutbox()' in " +
               $"'{context.GetType().Name}.OnModelCreating' (and add a migration) so that signal version bumps can be saved with the data.");
}
