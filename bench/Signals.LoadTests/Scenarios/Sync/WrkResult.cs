using System.Globalization;

namespace Signals.LoadTests.Scenarios.Sync;

/// <summary>What one wrk run measured.</summary>
/// <param name="Requests">Completed requests.</param>
/// <param name="Microseconds">How long the run took.</param>
/// <param name="P50">Median latency, µs.</param>
/// <param name="P99">99th percentile latency, µs.</param>
/// <param name="Max">Maximum latency, µs.</param>
/// <param name="SocketErrors">Connect, read, write errors and timeouts.</param>
/// <param name="Non2xx">Responses with a status other than 2xx/3xx.</param>
internal sealed record WrkResult(long Requests, long Microseconds, double P50, double P99, double Max, long SocketErrors, long Non2xx)
{
    /// <summary>Gets the throughput.</summary>
    public double RequestsPerSecond => Requests / (Microseconds / 1e6);

    /// <inheritdoc/>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{RequestsPerSecond:0} req/s, p50 {P50 / 1000:0.###} ms, p99 {P99 / 1000:0.###} ms, socket errors {SocketErrors}");
}
