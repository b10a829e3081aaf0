using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Signals.Runtime.Tests.Producers;

/// <summary>Producers on one host with the in-memory stores: the checks at start, typed arguments, restarts after a throw, the grace period.</summary>
public sealed class SignalProducerTests
{
    private static readonly SignalCatalog Catalog = new(
    [
        new SignalDescriptor("time:room:{RoomId}", "Sample.ClockTick", SignalKind.Value),
        new SignalDescriptor("desk:{Floor}:{DeskId}:{Since}", "Sample.Desk", SignalKind.Family,
        [
            new SignalPlaceholder("Floor", SignalPlaceholderKind.Integer, "System.Int32"),
            new SignalPlaceholder("DeskId", SignalPlaceholderKind.Guid, "System.Guid"),
            new SignalPlaceholder("Since", SignalPlaceholderKind.DateOnly, "System.DateOnly"),
        ]),
    ]);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_fails_when_no_declared_signal_has_the_producer_template()
    {
        using IHost host = Build(signals => signals.AddSignalProducer("time:desk:{DeskId}", static (_, _, _) => Task.CompletedTask));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Cancel));
        Assert.Equal(
            "The producer of 'time:desk:{DeskId}' produces no declared signal: no [Signal], [SignalFamily] or [SignalValue] has that pattern. " +
            "Declare it (e.g. [SignalValue(\"time:desk:{DeskId}\")] on the type of its value), or register the producer with a declared pattern: " +
            "desk:{Floor}:{DeskId}:{Since}, time:room:{RoomId}.",
            error.Message);
    }

    [Fact]
    public async Task Start_fails_when_the_argument_type_does_not_take_the_placeholders()
    {
        using IHost host = Build(signals => signals.AddSignalProducer<WrongArgs>("time:room:{RoomId}", static (_, _, _) => Task.CompletedTask));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Cancel));
        Assert.Equal("The producer of 'time:room:{RoomId}' takes WrongArgs, whose constructor parameter 'Room' names no placeholder of the template ({RoomId}).", error.Message);
    }

    [Fact]
    public async Task Start_fails_when_two_producers_share_a_template_or_the_options_are_out_of_range()
    {
        using IHost twice = Build(signals => signals
            .AddSignalProducer("time:room:{RoomId}", static (_, _, _) => Task.CompletedTask)
            .AddSignalProducer("time:room:{RoomId}", static (_, _, _) => Task.CompletedTask));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => twice.StartAsync(Cancel));
        Assert.StartsWith("Two producers are registered for 'time:room:{RoomId}'", error.Message, StringComparison.Ordinal);

        using IHost invalid = Build(
            signals => signals.AddSignalProducer("time:room:{RoomId}", static (_, _, _) => Task.CompletedTask),
            new() { ["Signals:Producers:GracePeriod"] = "00:00:00" });
        var invalidOptions = await Assert.ThrowsAsync<OptionsValidationException>(() => invalid.StartAsync(Cancel));
        Assert.Contains("GracePeriod", invalidOptions.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_that_is_no_key_template_is_refused_at_once()
    {
        ISignalsBuilder signals = new ServiceCollection().AddSignals();
        var error = Assert.Throws<ArgumentException>(() => signals.AddSignalProducer("time:room:{Room Id}", static (_, _, _) => Task.CompletedTask));
        Assert.StartsWith("'time:room:{Room Id}' is not a key template", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(signals.Services, static d => d.ServiceType == typeof(SignalProducers));
    }

    [Fact]
    public async Task Producer_gets_typed_arguments_from_its_key_and_runs_while_the_key_is_watched()
    {
        var started = new TaskCompletionSource<DeskArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = Build(signals => signals.AddSignalProducer<DeskArgs>("desk:{Floor}:{DeskId}:{Since}", async (args, emit, cancellationToken) =>
        {
            started.TrySetResult(args);
            await emit.InvalidateAsync(cancellationToken);
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }));
        await host.StartAsync(Cancel);
        var hub = host.Services.GetRequiredService<SignalHub>();
        var producers = host.Services.GetRequiredService<SignalProducers>();
        var deskId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        SignalKey key = SignalKey.Parse($"desk:3:{deskId:D}:2026-12-07");

        using (hub.Subscribe([key]))
        {
            Assert.Equal(new DeskArgs(deskId, 3, new DateOnly(2026, 12, 7)), await started.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel));
            await WaitUntilAsync(() => hub.TryGetHeldVersion(key, out SignalVersion held) && held.Version > 0 && producers.IsRunning(key));
        }

        // Unwatched: it stops after the grace period (50 ms here).
        await WaitUntilAsync(() => !producers.IsRunning(key));
        await host.StopAsync(Cancel);
    }

    [Fact]
    public async Task Producer_that_throws_restarts_after_a_growing_back_off_and_its_writes_reach_the_hub()
    {
        var starts = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        using IHost host = Build(
            signals => signals.AddSignalProducer("time:room:{RoomId}", async (key, emit, cancellationToken) =>
            {
                starts.Enqueue(clock.Elapsed);
                if (starts.Count <= 3)
                {
                    throw new InvalidOperationException($"Run {starts.Count} of {key} fails.");
                }

                await emit.SetAsync(new { Utc = "2026-12-07T08:00:00Z" }, cancellationToken);
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }),
            new() { ["Signals:Producers:RestartDelay"] = "00:00:00.200", ["Signals:Producers:MaxRestartDelay"] = "00:00:05" });
        await host.StartAsync(Cancel);
        var hub = host.Services.GetRequiredService<SignalHub>();
        SignalKey key = SignalKey.Parse("time:room:general");

        using (hub.Subscribe([key]))
        {
            await WaitUntilAsync(() => hub.TryGetHeldVersion(key, out SignalVersion held) && held.Version > 0);
        }

        // Waits of 200, 400 and 800 ms, each jittered to between half and all of it.
        TimeSpan[] runs = [.. starts];
        Assert.Equal(4, runs.Length);
        TimeSpan[] waits = [runs[1] - runs[0], runs[2] - runs[1], runs[3] - runs[2]];
        Assert.InRange(waits[0].TotalMilliseconds, 100, 1_000);
        Assert.InRange(waits[1].TotalMilliseconds, 200, 2_000);
        Assert.InRange(waits[2].TotalMilliseconds, 400, 4_000);
        Assert.True(waits[2] > waits[0], $"The back-off did not grow: {string.Join(", ", waits)}.");
        await host.StopAsync(Cancel);
    }

    [Fact]
    public async Task Emitting_a_value_into_a_signal_that_is_not_a_value_signal_is_refused()
    {
        var refused = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = Build(signals => signals.AddSignalProducer("desk:{Floor}:{DeskId}:{Since}", async (_, emit, cancellationToken) =>
        {
            try
            {
                await emit.SetAsync(42, cancellationToken);
            }
            catch (InvalidOperationException exception)
            {
                refused.TrySetResult(exception);
            }
        }));
        await host.StartAsync(Cancel);
        var hub = host.Services.GetRequiredService<SignalHub>();
        SignalKey key = SignalKey.Parse("desk:1:0f8fad5b-d9cb-469f-a165-70867728950e:2026-12-07");

        using (hub.Subscribe([key]))
        {
            Exception error = await refused.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
            Assert.StartsWith("'desk:1:0f8fad5b-d9cb-469f-a165-70867728950e:2026-12-07' is declared by Sample.Desk as a family signal", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await hub.GetVersionAsync(key, Cancel)).Version);
        await host.StopAsync(Cancel);
    }

    private static IHost Build(Action<ISignalsBuilder> configure, Dictionary<string, string?>? settings = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Signals:Producers:GracePeriod"] = "00:00:00.050",
            ["Signals:Producers:LockRetryInterval"] = "00:00:00.050",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSingleton(Catalog);
        configure(builder.Services.AddSignals());
        return builder.Build();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "Timed out.");
            await Task.Delay(10, Cancel);
        }
    }

    /// <summary>Arguments in another order than the template's placeholders, of three types.</summary>
    public sealed record DeskArgs(Guid DeskId, int Floor, DateOnly Since);

    /// <summary>Arguments that name a placeholder the template does not have.</summary>
    public sealed record WrongArgs(string Room);
}
