using Xunit;

namespace Signals.Testing;

/// <summary>
/// The PostgreSQL server of a test assembly: register it with <c>[assembly: AssemblyFixture(typeof(PostgresServer))]</c> and take it
/// in a test class constructor. One server per test assembly, stopped when the assembly's tests end: the one named by
/// <see cref="ConnectionStringVariable"/>, else a Testcontainers container where a Docker engine answers, else a throwaway server
/// from the local binaries (<see cref="PostgresProviderChoice"/> has the rules; <c>SIGNALS_TEST_POSTGRES_PROVIDER</c> forces one).
/// </summary>
/// <remarks>
/// Which server ran, and why, is written once per test assembly to the test output (an xUnit diagnostic message, shown by
/// <c>dotnet test</c>) as a line starting with <see cref="ReportPrefix"/>.
/// </remarks>
public sealed class PostgresServer : IPostgresServer, IAsyncLifetime
{
    /// <summary>The environment variable that may hold the connection string of an existing server to use instead of a throwaway one.</summary>
    public const string ConnectionStringVariable = "SIGNALS_TEST_POSTGRES";

    /// <summary>How the line that says which server ran starts.</summary>
    public const string ReportPrefix = "PostgreSQL for these tests:";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private IPostgresServer? _server;
    private PostgresProviderChoice? _choice;

    /// <summary>Gets the underlying server.</summary>
    /// <exception cref="InvalidOperationException">The fixture has not been initialized.</exception>
    public IPostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    /// <summary>Gets which provider was chosen, and why.</summary>
    /// <exception cref="InvalidOperationException">The fixture has not been initialized.</exception>
    public PostgresProviderChoice Choice => _choice ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    /// <inheritdoc/>
    public string ConnectionString => Server.ConnectionString;

    /// <inheritdoc/>
    public string Description => Server.Description;

    /// <summary>Starts (or connects to) the server a choice names.</summary>
    /// <param name="choice">The provider (<see cref="PostgresProviderChoice.ChooseAsync"/>).</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The server; dispose it to stop it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The choice names no known provider.</exception>
    public static async Task<IPostgresServer> StartAsync(PostgresProviderChoice choice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.Provider switch
        {
            PostgresProvider.External => new ExternalPostgresServer(Environment.GetEnvironmentVariable(ConnectionStringVariable)!),
            PostgresProvider.Testcontainers => await ContainerPostgresServer.StartAsync(cancellationToken),
            PostgresProvider.Local => await LocalPostgresServer.StartAsync(cancellationToken: cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(choice), choice.Provider, "Unknown PostgreSQL provider."),
        };
    }

    /// <inheritdoc/>
    public Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
        => Server.CreateDatabaseAsync(name, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        PostgresProviderChoice choice = await PostgresProviderChoice.ChooseAsync(Environment.GetEnvironmentVariable, DockerEngine.DefaultProbeTimeout, timeout.Token);
        _server = await StartAsync(choice, timeout.Token);
        _choice = choice;
        TestContext.Current.SendDiagnosticMessage($"{ReportPrefix} {_server.Description}, because {choice.Reason}.");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync();
        }
    }
}
