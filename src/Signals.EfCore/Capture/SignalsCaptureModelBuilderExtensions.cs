using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signals;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>
/// Extension methods that turn on change data capture for <see cref="ISignalSource"/> entities: database triggers that bump the entity's
/// keys for every committed write to its table, whoever writes it (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>, raw SQL, another service,
/// <c>psql</c>).
/// </summary>
/// <remarks>
/// <para>
/// The calls annotate the model. With <c>UseSignals(s =&gt; s.UsePostgreSql())</c> or <c>UseSignals(s =&gt; s.UseSqlite())</c>, the model
/// is checked when it is built (every key placeholder must be a type the trigger formats exactly as the generated key factory does,
/// otherwise an <see cref="InvalidOperationException"/> names the entity, the property and the type), and migrations (<c>dotnet ef
/// migrations add</c>, <c>EnsureCreated()</c>, <c>dotnet ef migrations script</c>) create, replace or drop the triggers: turning capture
/// off is a migration too. An entity whose table is captured is no longer staged by the <c>SaveChanges</c> interceptor, so a save bumps
/// each key once.
/// </para>
/// <para>The dispatcher checks at start that the database's triggers match the model; see <c>docs/capture.md</c>.</para>
/// </remarks>
public static class SignalsCaptureModelBuilderExtensions
{
    /// <summary>
    /// Captures every <see cref="ISignalSource"/> entity type of the model mapped to a table of its own, unless an entity turns it off
    /// with <see cref="HasSignalCapture{TEntity}(EntityTypeBuilder{TEntity}, bool)"/> (<c>enabled: false</c>).
    /// </summary>
    /// <param name="modelBuilder">The model builder, usually the one passed to <see cref="DbContext.OnModelCreating(ModelBuilder)"/>.</param>
    /// <param name="enabled"><see langword="false"/> to turn model-wide capture off again (entities that turned it on keep it).</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="modelBuilder"/> is <see langword="null"/>.</exception>
    public static ModelBuilder HasSignalCapture(this ModelBuilder modelBuilder, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        return modelBuilder.HasAnnotation(CaptureAnnotations.CaptureAll, enabled ? true : null);
    }

    /// <summary>
    /// Sets how the model's captured entity types (<see cref="HasSignalCapture(ModelBuilder, bool)"/>, or one by one) are captured:
    /// by <see cref="SignalCaptureMechanism.Triggers"/> unless this is called, or an entity type sets its own
    /// (<see cref="HasSignalCaptureMechanism{TEntity}(EntityTypeBuilder{TEntity}, SignalCaptureMechanism)"/>). It turns no capture on by itself.
    /// </summary>
    /// <param name="modelBuilder">The model builder, usually the one passed to <see cref="DbContext.OnModelCreating(ModelBuilder)"/>.</param>
    /// <param name="mechanism">
    /// <see cref="SignalCaptureMechanism.Triggers"/> or <see cref="SignalCaptureMechanism.LogicalReplication"/> (PostgreSQL only: on
    /// another provider the model refuses to build, naming the entity).
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="modelBuilder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mechanism"/> is not a defined value.</exception>
    public static ModelBuilder HasSignalCaptureMechanism(this ModelBuilder modelBuilder, SignalCaptureMechanism mechanism)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        return modelBuilder.HasAnnotation(CaptureAnnotations.Mechanism, Checked(mechanism) == SignalCaptureMechanism.Triggers ? null : mechanism.ToString());
    }

    /// <summary>Captures one <see cref="ISignalSource"/> entity type: every committed write to its table bumps its keys.</summary>
    /// <typeparam name="TEntity">The entity type; it must implement <see cref="ISignalSource"/> (the generator does, for an annotated type).</typeparam>
    /// <param name="entityTypeBuilder">The entity's builder.</param>
    /// <param name="enabled">
    /// <see langword="false"/> to leave this entity to the interceptor even when <see cref="HasSignalCapture(ModelBuilder, bool)"/> captures
    /// the whole model (e.g. for a key type the trigger cannot format).
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entityTypeBuilder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TEntity"/> does not implement <see cref="ISignalSource"/>.</exception>
    public static EntityTypeBuilder<TEntity> HasSignalCapture<TEntity>(this EntityTypeBuilder<TEntity> entityTypeBuilder, bool enabled = true)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(entityTypeBuilder);
        if (!typeof(ISignalSource).IsAssignableFrom(typeof(TEntity)))
        {
            throw new ArgumentException(
                $"'{typeof(TEntity).Name}' declares no signals (it does not implement ISignalSource): annotate it with [Signal] or [SignalFamily] to capture its writes.",
                nameof(entityTypeBuilder));
        }

        entityTypeBuilder.Metadata.SetAnnotation(CaptureAnnotations.Capture, enabled);
        return entityTypeBuilder;
    }

    /// <summary>
    /// Sets how one entity type is captured, whatever the model's mechanism (<see cref="HasSignalCaptureMechanism(ModelBuilder, SignalCaptureMechanism)"/>):
    /// a model may capture some tables by triggers and others by logical replication. It turns no capture on by itself.
    /// </summary>
    /// <typeparam name="TEntity">The entity type.</typeparam>
    /// <param name="entityTypeBuilder">The entity's builder.</param>
    /// <param name="mechanism">
    /// <see cref="SignalCaptureMechanism.Triggers"/> or <see cref="SignalCaptureMechanism.LogicalReplication"/> (PostgreSQL only: on
    /// another provider the model refuses to build, naming the entity).
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entityTypeBuilder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mechanism"/> is not a defined value.</exception>
    public static EntityTypeBuilder<TEntity> HasSignalCaptureMechanism<TEntity>(this EntityTypeBuilder<TEntity> entityTypeBuilder, SignalCaptureMechanism mechanism)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(entityTypeBuilder);
        entityTypeBuilder.Metadata.SetAnnotation(CaptureAnnotations.Mechanism, Checked(mechanism).ToString());
        return entityTypeBuilder;
    }

    private static SignalCaptureMechanism Checked(SignalCaptureMechanism mechanism)
        => Enum.IsDefined(mechanism)
            ? mechanism
            : throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "Expected SignalCaptureMechanism.Triggers or SignalCaptureMechanism.LogicalReplication.");
}

