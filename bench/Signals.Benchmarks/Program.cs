using BenchmarkDotNet.Running;

// Every benchmark class in this assembly; pick with --filter, e.g. `dotnet run -c Release --project bench/Signals.Benchmarks -- --filter '*Key*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
