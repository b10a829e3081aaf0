using Signals.Browser.Tests;

// One headless Chromium for the whole assembly; tests run one at a time, as a browser and an app per test already keep 2 cores busy.
[assembly: AssemblyFixture(typeof(Chromium))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
