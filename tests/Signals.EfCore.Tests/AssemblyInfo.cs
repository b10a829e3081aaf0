// One throwaway PostgreSQL server for the whole assembly; every test class makes its own databases on it.
[assembly: AssemblyFixture(typeof(PostgresServer))]
