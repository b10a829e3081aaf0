namespace Signals.Testing;

/// <summary>Where the tests' PostgreSQL server comes from (<see cref="PostgresProviderChoice"/>).</summary>
public enum PostgresProvider
{
    /// <summary>An existing server named by <c>SIGNALS_TEST_POSTGRES</c> (<see cref="ExternalPostgresServer"/>).</summary>
    External,

    /// <summary>A throwaway container started by Testcontainers (<see cref="ContainerPostgresServer"/>); needs a Docker engine.</summary>
    Testcontainers,

    /// <summary>A throwaway server started from the local PostgreSQL binaries (<see cref="LocalPostgresServer"/>).</summary>
    Local,
}
