namespace Signals.Testing;

/// <summary>Which PostgreSQL server the tests use, and why: the first rule that applies wins.</summary>
/// <remarks>
/// <list type="number">
/// <item><c>SIGNALS_TEST_POSTGRES</c> holds a connection string: that server (<see cref="PostgresProvider.External"/>).</item>
/// <item><c>SIGNALS_TEST_POSTGRES_PROVIDER</c> is <c>testcontainers</c> or <c>local</c>: that provider, without probing.</item>
/// <item>A Docker engine answers (<see cref="DockerEngine.ProbeAsync"/>): Testcontainers.</item>
/// <item>Otherwise the local binaries.</item>
/// </list>
/// </remarks>
/// <param name="Provider">The provider chosen.</param>
/// <param name="Reason">Why, for a person reading the test output; it reads after "because".</param>
public sealed record PostgresProviderChoice(PostgresProvider Provider, string Reason)
{
    /// <summary>The environment variable that forces a provider: <c>testcontainers</c> or <c>local</c> (case-insensitive).</summary>
    public const string ProviderVariable = "SIGNALS_TEST_POSTGRES_PROVIDER";

    /// <summary>Applies the rules (see remarks on the type).</summary>
    /// <param name="environment">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>, or a stand-in in tests).</param>
    /// <param name="probeTimeout">How long the Docker probe may wait for an answer.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The choice.</returns>
    /// <exception cref="ArgumentException"><c>SIGNALS_TEST_POSTGRES_PROVIDER</c> holds another value.</exception>
    public static async Task<PostgresProviderChoice> ChooseAsync(Func<string, string?> environment, TimeSpan probeTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment(PostgresServer.ConnectionStringVariable) is { Length: > 0 })
        {
            return new PostgresProviderChoice(PostgresProvider.External, $"{PostgresServer.ConnectionStringVariable} names it");
        }

        switch (environment(ProviderVariable)?.Trim().ToLowerInvariant())
        {
            case null or "":
                break;
            case "testcontainers":
                return new PostgresProviderChoice(PostgresProvider.Testcontainers, $"{ProviderVariable}=testcontainers");
            case "local":
                return new PostgresProviderChoice(PostgresProvider.Local, $"{ProviderVariable}=local");
            case { } other:
                throw new ArgumentException(
                    $"{ProviderVariable} must be 'testcontainers' or 'local' (or unset, to use Testcontainers when a Docker engine answers); got '{other}'.");
        }

        DockerEngineProbe docker = await DockerEngine.ProbeAsync(environment, probeTimeout, cancellationToken);
        return docker.Answers
            ? new PostgresProviderChoice(PostgresProvider.Testcontainers, $"a Docker engine {docker.Detail} at {docker.Endpoint}")
            : new PostgresProviderChoice(PostgresProvider.Local, $"no Docker engine answers ({(docker.Endpoint is null ? "" : docker.Endpoint + ": ")}{docker.Detail})");
    }
}
