using Signals.LoadTests;

return await Harness.RunAsync(args);
