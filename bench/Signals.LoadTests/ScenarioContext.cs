using Signals.LoadTests.Hosting;
using Signals.LoadTests.Reporting;

namespace Signals.LoadTests;

/// <summary>The run's options and what scenarios share: the results directory and one PostgreSQL server, started when first needed.</summary>
/// <param name="options">The command line.</param>
internal sealed class ScenarioContext(HarnessOptions options) : IAsyncDisposable
{
    private BenchPostgres? _postgres;

    /// <summary>Gets the command line.</summary>
    public HarnessOptions Options { get; } = options;

    /// <summary>Gets a value indicating whether this is a short smoke run.</summary>
    public bool Quick => Options.Quick;

    /// <summary>Gets the results directory.</summary>
    public ResultStore Results { get; } = new(options.ResultsDirectory);

    /// <summary>Gets the PostgreSQL server, starting it on first use.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The server.</returns>
    public async Task<BenchPostgres> GetPostgresAsync(CancellationToken cancellationToken)
        => _postgres ??= await BenchPostgres.StartAsync(cancellationToken);

    /// <summary>Picks a duration: the full one, or the short one with <c>--quick</c>.</summary>
    /// <param name="full">The full run's value.</param>
    /// <param name="quick">The smoke run's value.</param>
    /// <returns>The value for this run.</returns>
    public T Pick<T>(T full, T quick) => Quick ? quick : full;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
