namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// Two app instances (sides 0 and 1, named A and B) on one database, as two servers behind a load balancer. A side is
/// empty while it restarts; writers and subscribers then go to the other side.
/// </summary>
internal sealed class InstancePair : IAsyncDisposable
{
    private static readonly string[] Names = ["A", "B"];

    private readonly ChaosDatabase _database;
    private readonly ChaosInstance?[] _instances = new ChaosInstance?[2];

    private InstancePair(ChaosDatabase database) => _database = database;

    /// <summary>Gets the log counts of each side (kept across restarts).</summary>
    public LogCounter[] Logs { get; } = [new(), new()];

    /// <summary>Gets what each side's hubs evicted, over restarts.</summary>
    public CacheCounter[] Caches { get; } = [new(), new()];

    /// <summary>Starts both instances.</summary>
    /// <param name="database">The shared database (its schema must exist).</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The running pair.</returns>
    public static async Task<InstancePair> StartAsync(ChaosDatabase database, CancellationToken cancellationToken)
    {
        var pair = new InstancePair(database);
        try
        {
            for (int side = 0; side < 2; side++)
            {
                pair._instances[side] = await ChaosInstance.StartAsync(Names[side], database, pair.Logs[side], pair.Caches[side], cancellationToken);
            }

            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gets the name of a side.</summary>
    /// <param name="side">0 or 1.</param>
    /// <returns><c>A</c> or <c>B</c>.</returns>
    public static string NameOf(int side) => Names[side];

    /// <summary>Gets the instance of a side, or <see langword="null"/> while it restarts.</summary>
    /// <param name="side">0 or 1.</param>
    /// <returns>The instance, or <see langword="null"/>.</returns>
    public ChaosInstance? Get(int side) => Volatile.Read(ref _instances[side]);

    /// <summary>Gets the instance of <paramref name="preferred"/>, else the other one's.</summary>
    /// <param name="preferred">0 or 1.</param>
    /// <returns>The side and its instance, or <see langword="null"/> when neither is up.</returns>
    public (int Side, ChaosInstance Instance)? Pick(int preferred)
        => Get(preferred) is { } first ? (preferred, first) : Get(1 - preferred) is { } second ? (1 - preferred, second) : null;

    /// <summary>Stops a side's instance (its open streams end, in-flight work fails) and starts a fresh one on the same database.</summary>
    /// <param name="side">0 or 1.</param>
    /// <param name="cancellationToken">Cancels the new instance's start-up.</param>
    /// <returns>A task that completes when the new instance serves requests.</returns>
    public async Task RestartAsync(int side, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _instances[side], null) is { } old)
        {
            await old.DisposeAsync();
        }

        ChaosInstance fresh = await ChaosInstance.StartAsync(Names[side], _database, Logs[side], Caches[side], cancellationToken);
        Volatile.Write(ref _instances[side], fresh);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        for (int side = 0; side < 2; side++)
        {
            if (Interlocked.Exchange(ref _instances[side], null) is { } instance)
            {
                await instance.DisposeAsync();
            }
        }
    }
}
