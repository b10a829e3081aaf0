// The chaos test times faults against its own server and instances: other tests of this assembly starting and disposing
// PostgreSQL servers (which clears every Npgsql pool in the process) must not run beside it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
