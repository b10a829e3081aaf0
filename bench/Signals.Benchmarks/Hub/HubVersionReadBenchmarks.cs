using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Signals.Benchmarks.Hub;

/// <summary>
/// The hub's version reads with a database behind it (a table in memory standing in for it): <see cref="Readers"/> concurrent
/// <see cref="SignalHub.GetVersionsAsync"/> calls of the same 1,000 keys, as concurrent syncs of one page make them.
/// </summary>
/// <remarks>
/// <para><c>Cached</c>: every key is held (the common case: the keys a page watches stay in the cache). <c>Cold</c>: the cache holds
/// 1,000 keys and each call names the next 1,000 of 4,000, so every call reads its keys from the table, admits them and evicts the
/// previous ones, while the other readers ask for the same keys at once.</para>
/// <para>The threading diagnoser's <c>Lock Contentions</c> column counts <see cref="Monitor"/> contention (the entries' locks).</para>
/// </remarks>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class HubVersionReadBenchmarks
{
    private const int KeysPerRead = 1_000;
    private const int ColdKeys = 4 * KeysPerRead;
    private SignalHub _hub = null!;
    private SignalKey[][] _windows = [];
    private int _next;

    [Params(4, 16)]
    public int Readers { get; set; }

    [Params(true, false)]
    public bool Cached { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var table = new VersionTable();
        SignalKey[] keys = [.. Enumerable.Range(0, ColdKeys).Select(i => SignalKey.Create("bench:item", SignalKey.FormatArgument(i)))];
        foreach (SignalKey key in keys)
        {
            table.Commit(key);
        }

        int bound = Cached ? ColdKeys : KeysPerRead;
        _hub = new SignalHub(Options.Create(new SignalsOptions()), Options.Create(new SignalHubOptions { MaxCachedKeys = bound }), table, metrics: null);
        _windows = Cached
            ? [keys[..KeysPerRead]]
            : [.. Enumerable.Range(0, ColdKeys / KeysPerRead).Select(w => keys[(w * KeysPerRead)..((w + 1) * KeysPerRead)])];
        _hub.GetVersionsAsync(_windows[0]).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task Concurrent_reads()
    {
        SignalKey[] window = _windows[_next++ % _windows.Length];
        var reads = new Task[Readers];
        for (int i = 0; i < reads.Length; i++)
        {
            reads[i] = Task.Run(async () => await _hub.GetVersionsAsync(window));
        }

        return Task.WhenAll(reads);
    }

    /// <summary>Committed versions in memory; a read completes asynchronously, as a query does.</summary>
    private sealed class VersionTable : ISignalVersionSource
    {
        private readonly Dictionary<SignalKey, SignalVersion> _versions = new(SignalKeyComparer.Instance);

        public bool PublishesChanges => true;

        public TimeSpan PollInterval => TimeSpan.FromSeconds(1);

        public void Commit(SignalKey key) => _versions[key] = new SignalVersion(key, _versions.Count + 1, null, DateTimeOffset.UnixEpoch);

        public async Task<IReadOnlyList<SignalVersion>> ReadVersionsAsync(IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return [.. keys.Select(k => _versions[k])];
        }
    }
}
