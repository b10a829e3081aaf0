using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// What the interceptor asks about a context on every save, computed once per model (a model belongs to one provider) and cached as a
/// runtime annotation: <c>IsNpgsql()</c> and <c>IsRelational()</c> resolve services and read assembly names on each call.
/// </summary>
/// <param name="HasSignalSources">Whether any entity type of the model implements <see cref="ISignalSource"/>: if none, a save has no keys.</param>
/// <param name="MapsOutbox">Whether the model maps <see cref="SignalOutboxEntry"/> (<c>modelBuilder.AddSignalsOutbox()</c>).</param>
/// <param name="IsRelational">Whether the provider is relational (it has transactions and SQL).</param>
/// <param name="IsNpgsql">Whether the provider is Npgsql (the outbox rows go into the save's own command).</param>
internal sealed record ContextFacts(bool HasSignalSources, bool MapsOutbox, bool IsRelational, bool IsNpgsql)
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
            c.Database.IsRelational(),
            c.Database.IsNpgsql()),
        context);
}
