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
}
