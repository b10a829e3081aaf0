using System.Runtime.CompilerServices;
using System.Text.Json;
using Signals.Client;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>
/// An <see cref="ISignalsClient"/> that records the keys the generated accessors ask for and answers from memory: enough to prove the
/// generated surface calls the client with the right keys (the HTTP client has its own tests against a running server).
/// </summary>
internal sealed class RecordingSignalsClient : ISignalsClient
{
    public List<SignalKey> Watched { get; } = [];

    public List<SignalKey> ValueReads { get; } = [];

    public Dictionary<SignalKey, SignalValue<JsonElement>> Values { get; } = [];

    public ValueTask<IReadOnlyList<SignalVersion>> SyncAsync(IReadOnlyDictionary<SignalKey, long> known, TimeSpan wait, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<SignalVersion>>([]);

    public async IAsyncEnumerable<SignalVersion> WatchAsync(IEnumerable<SignalKey> keys, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (SignalKey key in keys)
        {
            Watched.Add(key);
            await Task.Yield();
            yield return new SignalVersion(key, 7, null, DateTimeOffset.UnixEpoch);
        }
    }

    public ValueTask<SignalValue<JsonElement>?> GetValueAsync(SignalKey key, CancellationToken cancellationToken = default)
    {
        ValueReads.Add(key);
        return ValueTask.FromResult(Values.GetValueOrDefault(key));
    }

    public async ValueTask<SignalValue<JsonElement>> SetValueAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default)
        => (await TrySetValueAsync(key, value, Values.GetValueOrDefault(key)?.Version ?? 0, cancellationToken))!;

    public ValueTask<SignalValue<JsonElement>?> TrySetValueAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default)
    {
        long current = Values.GetValueOrDefault(key)?.Version ?? 0;
        if (current != expectedVersion)
        {
            return ValueTask.FromResult<SignalValue<JsonElement>?>(null);
        }

        var stored = new SignalValue<JsonElement>(new SignalVersion(key, current + 1, null, DateTimeOffset.UnixEpoch), value);
        Values[key] = stored;
        return ValueTask.FromResult<SignalValue<JsonElement>?>(stored);
    }
}
