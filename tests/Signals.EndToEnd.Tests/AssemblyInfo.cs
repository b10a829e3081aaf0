using Signals.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]
