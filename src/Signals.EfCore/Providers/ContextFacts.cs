using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// What the interceptors ask about a context on every save, computed once per model (a model belongs to one provider) and cached as a
/// runtime annotation: <c>IsRelational()</c> resolves services on each call.
/// </summary>
/// <param name="HasSignalSources">Whether any entity type of the model implements <see cref="ISignalSource"/>: if none, a save has no keys.</param>
/// <param name="MapsOutbox">Whether the model maps <see cref="SignalOutboxEntry"/> (<c>modelBuilder.AddSignalsOutbox()</c>).</param>
/// <param name="IsRelational">Whether the provider is relational (it has transactions and SQL).</param>
internal sealed record ContextFacts(bool HasSignalSources, bool MapsOutbox, bool IsRelational)
{
    private const string Annotation = "Signals:ContextFacts";

    /// <summary>Gets the facts of a context's model.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The facts.</returns>
    public static ContextFacts Of(DbContext context) => context.Model.GetOrAddRuntimeAnnotationValue(
        Annotation,
        static c => new ContextFacts(
            c!.Model.GetEntityTypes().Any(static t => typeof(ISignalSource).IsAssignableFrom(t.ClrType)),
            c.Model.FindEntityType(typeof(SignalOutboxEntry)) is not null,
            c.Database.IsRelational()),
        context);

    /// <summary>
    /// The System.Transactions transaction the context's connection takes part in (a <c>TransactionScope</c>), if any; <see langword="null"/>
    /// when the context has a current EF Core transaction or is not relational.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <returns>The ambient transaction, or <see langword="null"/>.</returns>
    public static Transaction? AmbientTransaction(DbContext context)
        => Of(context).IsRelational && context.Database.CurrentTransaction is null
            ? context.Database.GetEnlistedTransaction() ?? Transaction.Current
            : null;

    /// <summary>Tells whether the context is in a transaction: its current EF Core one, or an ambient one its connection takes part in.</summary>
    /// <param name="context">The context.</param>
    /// <returns><see langword="true"/> inside a transaction.</returns>
    public static bool InTransaction(DbContext context)
        => context.Database.CurrentTransaction is not null || AmbientTransaction(context) is not null;
}
