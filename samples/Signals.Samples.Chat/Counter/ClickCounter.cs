using Signals;

namespace Signals.Samples.Chat.Counter;

/// <summary>The shared click counter: a value signal (<c>counter:clicks</c>) stored by Signals, not by the app's database.</summary>
/// <param name="Count">The number of clicks (may go below zero).</param>
[SignalValue("counter:clicks")]
public sealed partial record ClickCounter(long Count = 0);
