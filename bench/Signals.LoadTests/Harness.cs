using System.Diagnostics;
using Signals.LoadTests.Reporting;
using Signals.LoadTests.Scenarios.CommitToEvent;
using Signals.LoadTests.Scenarios.FanOut;
using Signals.LoadTests.Scenarios.Scale;
using Signals.LoadTests.Scenarios.Sync;
using Signals.LoadTests.Scenarios.WriteCost;
using Signals.LoadTests.Scenarios.WriteOverhead;

namespace Signals.LoadTests;

/// <summary>Runs the command the harness was started with.</summary>
internal static class Harness
{
    /// <summary>The longest a scenario may run: the issue asks for under 5 minutes each on a 2-core machine.</summary>
    /// <summary>Runs a command.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code: 0 on success, 1 when a scenario failed (the others still run), 2 on a bad command line.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        HarnessOptions options;
        try
        {
            options = HarnessOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            await Console.Error.WriteLineAsync($"{exception.Message}\n\n{HarnessOptions.Usage}");
            return 2;
        }

        if (options.Command == FanOutServer.Command)
        {
            return await FanOutServer.RunAsync(options);
        }

        if (options.Command == ScaleServer.Command)
        {
            return await ScaleServer.RunAsync(options);
        }

        Scenario[] all = [new CommitToEventScenario(), new WriteOverheadScenario(), new WriteCostScenario(), new SyncScenario(), new FanOutScenario(), new ScaleScenario()];
        Scenario[] selected = options.Command switch
        {
            "all" => all,
            "report" => [],
            _ => [.. all.Where(s => s.Name == options.Command)],
        };
        if (selected.Length == 0 && options.Command is not ("all" or "report"))
        {
            await Console.Error.WriteLineAsync($"Unknown command '{options.Command}'.\n\n{HarnessOptions.Usage}");
            return 2;
        }

        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };

        bool failed = false;
        await using (var context = new ScenarioContext(options))
        {
            foreach (Scenario scenario in selected)
            {
                failed |= !await RunScenarioAsync(scenario, context, interrupted.Token);
                interrupted.Token.ThrowIfCancellationRequested();
            }
        }

        if (options.Command is "all" or "report")
        {
            ReadmeReport.Update(new ResultStore(options.ResultsDirectory), options.ReadmePath);
            Console.WriteLine($"Updated the figures in {options.ReadmePath}.");
        }

        return failed ? 1 : 0;
    }

    private static async Task<bool> RunScenarioAsync(Scenario scenario, ScenarioContext context, CancellationToken interrupted)
    {
        Console.WriteLine($"-- {scenario.Title}{(context.Quick ? " (--quick)" : "")}");
        DateTimeOffset started = DateTimeOffset.UtcNow;
        MachineInfo machine = MachineInfo.Current();
        long start = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
        deadline.CancelAfter(scenario.TimeLimit);
        try
        {
            Measurement measurement = await scenario.MeasureAsync(context, deadline.Token);
            var result = new ScenarioResult(
                scenario.Name,
                scenario.Title,
                started,
                Math.Round(Stopwatch.GetElapsedTime(start).TotalSeconds, 1),
                context.Quick,
                machine,
                measurement.Setup,
                measurement.Figures);
            await context.Results.WriteAsync(result, interrupted);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !interrupted.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"'{scenario.Name}' did not finish within {scenario.TimeLimit.TotalMinutes} minutes and was stopped.");
            return false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"'{scenario.Name}' failed: {exception}");
            return false;
        }
    }
}
