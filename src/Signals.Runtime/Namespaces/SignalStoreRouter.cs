using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Signals;

/// <summary>
/// The <see cref="ISignalStore"/> and <see cref="ISignalValueStore"/> of an app that maps namespaces (<see cref="SignalNamespacesBuilderExtensions.MapNamespace"/>):
/// each key goes to its namespace's store, every other key to the app's store (the EF Core outbox, or the in-memory store).
/// </summary>
internal sealed class SignalStoreRouter(ISignalStore store, ISignalValueStore values, InMemorySignalStore local, SignalNamespaces namespaces)
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
        SignalKey[] ephemeral = [.. distinct.Where(namespaces.IsLocal)];
        if (ephemeral.Length == 0)
        {
            return await store.InvalidateAsync(distinct, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<SignalVersion> instanceLocal = await local.InvalidateAsync(ephemeral, cancellationToken).ConfigureAwait(false);
        if (ephemeral.Length == distinct.Length)
        {
            return instanceLocal;
        }

        IReadOnlyList<SignalVersion> persisted = await store.InvalidateAsync([.. distinct.Where(k => !namespaces.IsLocal(k))], cancellationToken).ConfigureAwait(false);
        return [.. persisted, .. instanceLocal];
    }

    public ValueTask<SignalValue<JsonElement>?> GetAsync(SignalKey key, CancellationToken cancellationToken = default)
        => For(key).GetAsync(key, cancellationToken);

    public ValueTask<SignalValue<JsonElement>> SetAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default)
        => For(key).SetAsync(key, value, cancellationToken);

    public ValueTask<SignalValue<JsonElement>?> TrySetAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default)
        => For(key).TrySetAsync(key, value, expectedVersion, cancellationToken);

    public ValueTask<SignalValue<JsonElement>> IncrementAsync(
        SignalKey key, string propertyName, long delta, JsonElement defaultValue, CancellationToken cancellationToken = default)
        => For(key).IncrementAsync(key, propertyName, delta, defaultValue, cancellationToken);

    public ValueTask<bool> DeleteAsync(SignalKey key, CancellationToken cancellationToken = default)
        => For(key).DeleteAsync(key, cancellationToken);

    public ValueTask<bool> TryDeleteAsync(SignalKey key, long expectedVersion, CancellationToken cancellationToken = default)
        => For(key).TryDeleteAsync(key, expectedVersion, cancellationToken);

    private static SignalStoreRouter? RouteOrNull<TStore>(IServiceProvider services, TStore persisted)
        where TStore : ISignalStore, ISignalValueStore
    {
        SignalNamespaces namespaces = services.GetRequiredService<SignalNamespaces>();
        return namespaces.HasLocal
            ? new SignalStoreRouter(persisted, persisted, services.GetRequiredKeyedService<InMemorySignalStore>(LocalStoreKey), namespaces)
            : null;
    }

    private ISignalValueStore For(SignalKey key) => namespaces.IsLocal(key) ? local : values;
}
