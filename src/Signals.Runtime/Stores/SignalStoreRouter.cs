using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Signals;

/// <summary>
/// The <see cref="ISignalStore"/> and <see cref="ISignalValueStore"/> of an app that maps namespaces (<see cref="SignalNamespacesBuilderExtensions.MapNamespace"/>):
/// each key goes to its namespace's store (the in-memory one, or the namespace's own database), every other key to the app's store
/// (the EF Core outbox, or the in-memory store).
/// </summary>
/// <param name="app">The app's store.</param>
/// <param name="local">The store of the instance-local namespaces.</param>
/// <param name="databases">The store of each namespace on a database of its own.</param>
/// <param name="namespaces">Which namespace is stored where.</param>
internal sealed class SignalStoreRouter(
    SignalStoreRouter.Target app, InMemorySignalStore local, FrozenDictionary<string, SignalStoreRouter.Target> databases, SignalNamespaces namespaces)
    : ISignalStore, ISignalValueStore
{
    /// <summary>The service key of the in-memory namespaces' store (an <see cref="InMemorySignalStore"/> on the local version line).</summary>
    public const string LocalStoreKey = "Signals:Namespaces:InMemory";

    /// <summary>Gets the app's store as <see cref="ISignalStore"/>: <paramref name="persisted"/> itself when no namespace is mapped, else a router.</summary>
    /// <typeparam name="TStore">The app's store type.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="persisted">The app's store.</param>
    public static ISignalStore Store<TStore>(IServiceProvider services, TStore persisted)
        where TStore : ISignalStore, ISignalValueStore
        => (ISignalStore?)RouteOrNull(services, persisted) ?? persisted;

    /// <summary>Gets the app's store as <see cref="ISignalValueStore"/>: <paramref name="persisted"/> itself when no namespace is mapped, else a router.</summary>
    /// <typeparam name="TStore">The app's store type.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="persisted">The app's store.</param>
    public static ISignalValueStore Values<TStore>(IServiceProvider services, TStore persisted)
        where TStore : ISignalStore, ISignalValueStore
        => (ISignalValueStore?)RouteOrNull(services, persisted) ?? persisted;

    public async ValueTask<IReadOnlyList<SignalVersion>> InvalidateAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
    {
        SignalKey[] distinct = SignalKey.DistinctOrThrow(keys, "invalidate");
        if (!distinct.Any(namespaces.IsOwnLine))
        {
            return await app.Invalidate.InvalidateAsync(distinct, cancellationToken).ConfigureAwait(false);
        }

        // One call per store, in turn: each store's keys commit together, the stores do not (they are different databases).
        var versions = new List<SignalVersion>(distinct.Length);
        foreach (IGrouping<ISignalStore, SignalKey> group in distinct.GroupBy(k => For(k).Invalidate))
        {
            versions.AddRange(await group.Key.InvalidateAsync([.. group], cancellationToken).ConfigureAwait(false));
        }

        return versions;
    }

    public ValueTask<SignalValue<JsonElement>?> GetAsync(SignalKey key, CancellationToken cancellationToken = default)
        => For(key).Values.GetAsync(key, cancellationToken);

    public ValueTask<SignalValue<JsonElement>> SetAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default)
        => For(key).Values.SetAsync(key, value, cancellationToken);

    public ValueTask<SignalValue<JsonElement>?> TrySetAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default)
        => For(key).Values.TrySetAsync(key, value, expectedVersion, cancellationToken);

    public ValueTask<SignalValue<JsonElement>> IncrementAsync(
        SignalKey key, string propertyName, long delta, JsonElement defaultValue, CancellationToken cancellationToken = default)
        => For(key).Values.IncrementAsync(key, propertyName, delta, defaultValue, cancellationToken);

    public ValueTask<bool> DeleteAsync(SignalKey key, CancellationToken cancellationToken = default)
        => For(key).Values.DeleteAsync(key, cancellationToken);

    public ValueTask<bool> TryDeleteAsync(SignalKey key, long expectedVersion, CancellationToken cancellationToken = default)
        => For(key).Values.TryDeleteAsync(key, expectedVersion, cancellationToken);

    private static SignalStoreRouter? RouteOrNull<TStore>(IServiceProvider services, TStore persisted)
        where TStore : ISignalStore, ISignalValueStore
    {
        SignalNamespaces namespaces = services.GetRequiredService<SignalNamespaces>();
        if (!namespaces.HasOwnLines)
        {
            return null;
        }

        FrozenDictionary<string, Target> databases = namespaces.Databases.ToFrozenDictionary(
            static ns => ns,
            ns => new Target(
                services.GetRequiredKeyedService<ISignalStore>(SignalNamespaces.ServiceKey(ns)),
                services.GetRequiredKeyedService<ISignalValueStore>(SignalNamespaces.ServiceKey(ns))),
            StringComparer.Ordinal);
        return new SignalStoreRouter(
            new Target(persisted, persisted), services.GetRequiredKeyedService<InMemorySignalStore>(LocalStoreKey), databases, namespaces);
    }

    private Target For(SignalKey key) => namespaces.StoreOf(key) switch
    {
        SignalNamespaceStore.InMemory => new Target(local, local),
        SignalNamespaceStore.EntityFrameworkCore => databases[key.Namespace],
        _ => app,
    };

    /// <summary>One store, as both interfaces.</summary>
    /// <param name="Invalidate">Its <see cref="ISignalStore"/>.</param>
    /// <param name="Values">Its <see cref="ISignalValueStore"/>.</param>
    internal readonly record struct Target(ISignalStore Invalidate, ISignalValueStore Values);
}
